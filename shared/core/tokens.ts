import { createCipheriv, createDecipheriv, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import * as z from 'zod/mini';
import './zod-setup';

/**
 * Signed links. A token is `<payload>.<mac>`, both base64url. The payload says what the link
 * may do (its purpose), for whom (an opaque subscriber or recipient key, or one delivery) and
 * until when; it is encrypted (AES-256-GCM, under a key derived from the link-signing key with
 * HKDF-SHA256), so a token read off a forwarded email or a proxy log reveals none of it: not
 * the purpose, not the delivery (whose id begins with the finding's id), not the expiry. Only
 * its length says something (an acknowledgement link is longer). The MAC is HMAC-SHA256 over
 * the encrypted payload with the key itself, checked first and in constant time, so a confirm
 * token can never be replayed as an unsubscribe token, and nothing can be changed without the key.
 *
 * Links signed before payloads were encrypted (readable JSON, MAC labelled `briefings-link:`)
 * still verify until they expire, a year at most: they are in people's mailboxes, and an
 * unsubscribe link must keep working. Nothing signs them any more.
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
  /** Subscriber id / recipient key, or (acknowledge) a delivery id. */
  subject: string;
  /** Epoch seconds. */
  expiresAt: number;
  /** Binds a confirm link to one request, so an older link cannot undo a newer choice. */
  nonce?: string;
}

export type TokenCheck =
  | { ok: true; claims: TokenClaims }
  | { ok: false; reason: 'missing' | 'malformed' | 'tampered' | 'wrong-purpose' | 'expired' };

/** Why a link cannot be used: what the token check says, or what the store says after it (a newer link exists; nobody is known by it). */
export type LinkProblem = Extract<TokenCheck, { ok: false }>['reason'] | 'stale' | 'unknown';

export class TokenKeyError extends Error {
  override readonly name = 'TokenKeyError';
}

const MIN_KEY_BYTES = 32;
const b64 = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/** A subscriber id or recipient key (24 hex characters), or a delivery id (`<finding id>#v<N>#<key>`): a key, never an address. */
const SUBJECT = /^[A-Za-z0-9][A-Za-z0-9._#-]{0,199}$/;

/**
 * The claims, read only after the MAC (and the cipher's own tag) have passed, and still checked
 * field by field: a link that verifies must never reach a store with an empty or odd key.
 */
const claimsSchema = z.object({
  p: z.enum(TOKEN_PURPOSES),
  s: z.string().check(z.regex(SUBJECT)),
  // Epoch seconds, before 2100.
  e: z.number().check(z.int(), z.gte(1), z.lte(4_102_444_800)),
  // The confirm nonce is the request's ISO time.
  n: z.optional(z.string().check(z.regex(/^[0-9A-Za-z:.+-]{1,40}$/))),
});

const TOKEN_SHAPE = /^([A-Za-z0-9_-]{8,1024})\.([A-Za-z0-9_-]{43})$/;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const AAD = Buffer.from('briefings-link-v2');

export class TokenSigner {
  private readonly encryptionKey: Buffer;
  private readonly ivKey: Buffer;

  constructor(private readonly key: Buffer) {
    if (key.length < MIN_KEY_BYTES) {
      throw new TokenKeyError(`The link-signing key is ${key.length} bytes; it must be at least ${MIN_KEY_BYTES} random bytes.`);
    }
    // Separate keys for separate jobs, all from the one secret.
    const derive = (info: string) => Buffer.from(hkdfSync('sha256', key, 'briefings-links', info, 32));
    this.encryptionKey = derive('payload encryption (AES-256-GCM)');
    this.ivKey = derive('payload IV');
  }

  /** The MAC of an encrypted payload; `legacy` for links signed when payloads were readable. */
  private mac(payload: string, legacy = false): string {
    return b64(createHmac('sha256', this.key).update(`${legacy ? 'briefings-link' : 'briefings-link-v2'}:${payload}`).digest());
  }

  /** A keyed, non-reversible fingerprint (e.g. of a client address): without the key it cannot be tested against guesses. */
  fingerprint(value: string): string {
    return createHmac('sha256', this.key).update(`briefings-fingerprint:${value}`).digest('hex').slice(0, 24);
  }

  sign(purpose: TokenPurpose, subject: string, now: Date, nonce?: string): string {
    const claims: Record<string, string | number> = { p: purpose, s: subject, e: Math.floor(now.getTime() / 1000) + TOKEN_LIFETIME_SECONDS[purpose] };
    if (nonce) claims.n = nonce;
    const plain = Buffer.from(JSON.stringify(claims), 'utf8');
    // A synthetic IV (a keyed hash of the claims): the same claims give the same token, as they always
    // did, and an IV never repeats for different claims, which is what GCM needs.
    const iv = createHmac('sha256', this.ivKey).update(plain).digest().subarray(0, IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, iv).setAAD(AAD);
    const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    const payload = b64(sealed);
    return `${payload}.${this.mac(payload)}`;
  }

  verify(token: string | undefined | null, purpose: TokenPurpose, now: Date): TokenCheck {
    if (!token) return { ok: false, reason: 'missing' };
    const match = TOKEN_SHAPE.exec(token.trim());
    if (!match) return { ok: false, reason: 'malformed' };
    const [, payload, mac] = match as unknown as [string, string, string];
    // The MAC first, in constant time, over the exact text (one canonical encoding), before anything is read.
    const given = Buffer.from(mac);
    const sameAs = (expected: string) => given.length === expected.length && timingSafeEqual(given, Buffer.from(expected));
    let plain: string | undefined;
    if (sameAs(this.mac(payload))) plain = this.open(payload);
    else if (sameAs(this.mac(payload, true))) plain = Buffer.from(payload, 'base64url').toString('utf8');
    else return { ok: false, reason: 'tampered' };
    if (plain === undefined) return { ok: false, reason: 'tampered' };

    let json: unknown;
    try {
      json = JSON.parse(plain);
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    // The purpose is judged before the rest, so a link used on the wrong page says so.
    const claimedPurpose = typeof json === 'object' && json !== null ? (json as { p?: unknown }).p : undefined;
    if (!TOKEN_PURPOSES.includes(claimedPurpose as TokenPurpose)) return { ok: false, reason: 'malformed' };
    if (claimedPurpose !== purpose) return { ok: false, reason: 'wrong-purpose' };
    const claims = claimsSchema.safeParse(json);
    if (!claims.success) return { ok: false, reason: 'malformed' };
    if (claims.data.e * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
    return { ok: true, claims: { purpose, subject: claims.data.s, expiresAt: claims.data.e, nonce: claims.data.n } };
  }

  /** The claims' JSON text, or undefined if the cipher's own check fails (it cannot, once the MAC passed, short of a bug). */
  private open(payload: string): string | undefined {
    const sealed = Buffer.from(payload, 'base64url');
    if (sealed.length <= IV_BYTES + TAG_BYTES) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.encryptionKey, sealed.subarray(0, IV_BYTES)).setAAD(AAD);
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
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
