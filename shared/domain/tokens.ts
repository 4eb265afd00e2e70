import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed links. A token is `<payload>.<mac>`, both base64url: the payload says what the
 * link may do (its purpose), for whom (an opaque subscriber or recipient key, never an
 * address) and until when. The MAC is HMAC-SHA256 over the purpose and the payload, with
 * a key kept outside the code, so a confirm token can never be replayed as an
 * unsubscribe token, and no field can be changed without the key.
 */

export const TOKEN_PURPOSES = ['confirm', 'manage', 'unsubscribe', 'acknowledge'] as const;
export type TokenPurpose = (typeof TOKEN_PURPOSES)[number];

/** How long each kind of link works. Links in briefings must keep working for a long time (RFC 8058). */
export const TOKEN_LIFETIME_SECONDS: Record<TokenPurpose, number> = {
  confirm: 2 * 24 * 3600,
  manage: 365 * 24 * 3600,
  unsubscribe: 365 * 24 * 3600,
  // Teams read briefings at their next meeting, sometimes weeks later.
  acknowledge: 365 * 24 * 3600,
};

export interface TokenClaims {
  purpose: TokenPurpose;
  /** Subscriber id / recipient key. */
  subject: string;
  /** Epoch seconds. */
  expiresAt: number;
  /** Binds a confirm link to one request, so an older link cannot undo a newer choice. */
  nonce?: string;
}

export type TokenCheck =
  | { ok: true; claims: TokenClaims }
  | { ok: false; reason: 'missing' | 'malformed' | 'tampered' | 'wrong-purpose' | 'expired' };

export class TokenKeyError extends Error {
  override readonly name = 'TokenKeyError';
}

const MIN_KEY_BYTES = 32;
const b64 = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export class TokenSigner {
  constructor(private readonly key: Buffer) {
    if (key.length < MIN_KEY_BYTES) {
      throw new TokenKeyError(`The link-signing key is ${key.length} bytes; it must be at least ${MIN_KEY_BYTES} random bytes.`);
    }
  }

  /** The purpose is inside the payload, so the MAC binds it; the prefix keeps this key's MACs to links. */
  private mac(payload: string): string {
    return b64(createHmac('sha256', this.key).update(`briefings-link:${payload}`).digest());
  }

  /** A keyed, non-reversible fingerprint (e.g. of a client address): without the key it cannot be tested against guesses. */
  fingerprint(value: string): string {
    return createHmac('sha256', this.key).update(`briefings-fingerprint:${value}`).digest('hex').slice(0, 24);
  }

  sign(purpose: TokenPurpose, subject: string, now: Date, nonce?: string): string {
    const claims: Record<string, string | number> = { p: purpose, s: subject, e: Math.floor(now.getTime() / 1000) + TOKEN_LIFETIME_SECONDS[purpose] };
    if (nonce) claims.n = nonce;
    const payload = b64(JSON.stringify(claims));
    return `${payload}.${this.mac(payload)}`;
  }

  verify(token: string | undefined | null, purpose: TokenPurpose, now: Date): TokenCheck {
    if (!token) return { ok: false, reason: 'missing' };
    const match = /^([A-Za-z0-9_-]{8,1024})\.([A-Za-z0-9_-]{43})$/.exec(token.trim());
    if (!match) return { ok: false, reason: 'malformed' };
    const [, payload, mac] = match as unknown as [string, string, string];
    // The MAC first, in constant time, over the exact text (one canonical encoding), before anything is read.
    const expected = Buffer.from(this.mac(payload));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'tampered' };
    let claims: { p?: unknown; s?: unknown; e?: unknown; n?: unknown };
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    if (typeof claims !== 'object' || claims === null || !TOKEN_PURPOSES.includes(claims.p as TokenPurpose)) return { ok: false, reason: 'malformed' };
    if (claims.p !== purpose) return { ok: false, reason: 'wrong-purpose' };
    if (typeof claims.s !== 'string' || typeof claims.e !== 'number') return { ok: false, reason: 'malformed' };
    if (claims.e * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
    return {
      ok: true,
      claims: { purpose, subject: claims.s, expiresAt: claims.e, nonce: typeof claims.n === 'string' ? claims.n : undefined },
    };
  }
}

/** The links at the foot of every email to one recipient: no address in any of them. */
export interface RecipientLinks {
  unsubscribeUrl: string;
  manageUrl: string;
  /** "I have read this briefing": bound to one delivery, so it records against that row only. */
  acknowledgeUrl?: string;
}

export function recipientLinks(publicBaseUrl: string, signer: TokenSigner, recipientKey: string, now: Date, deliveryId?: string): RecipientLinks {
  const base = publicBaseUrl.replace(/\/+$/, '');
  return {
    unsubscribeUrl: `${base}/unsubscribe?t=${signer.sign('unsubscribe', recipientKey, now)}`,
    manageUrl: `${base}/preferences?t=${signer.sign('manage', recipientKey, now)}`,
    ...(deliveryId ? { acknowledgeUrl: `${base}/acknowledge?t=${signer.sign('acknowledge', deliveryId, now)}` } : {}),
  };
}
