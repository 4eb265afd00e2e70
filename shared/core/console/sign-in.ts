import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ConsoleUser } from './roles';

/** The steps of signing in, whatever the user pool asks for. */
export type SignInChallenge = 'NEW_PASSWORD_REQUIRED' | 'SOFTWARE_TOKEN_MFA' | 'MFA_SETUP';
export type SignInStep =
  | { kind: 'signed-in'; idToken: string; expiresInSeconds: number }
  | { kind: 'challenge'; challenge: SignInChallenge; session: string }
  | { kind: 'refused'; message: string };

/** The user pool, as the console needs it (shared/adapters/cognito-sign-in.ts). */
export interface SignInService {
  signIn(email: string, password: string): Promise<SignInStep>;
  answer(challenge: SignInChallenge, session: string, email: string, answer: string): Promise<SignInStep>;
  /** MFA_SETUP: the authenticator app's secret, and the session to answer with. */
  totpSecret(session: string): Promise<{ secret: string; session: string }>;
  /** The signed-in person, or undefined for a token that is not the pool's, has expired, or is not an ID token. */
  verify(idToken: string): Promise<ConsoleUser | undefined>;
}

/**
 * The session is the pool's ID token in a cookie the page's scripts cannot read (HttpOnly), sent
 * only over https (Secure; browsers treat http://localhost as secure) and never with a request
 * another site starts (SameSite=Strict). `__Host-` pins it to this host and path /.
 */
export const SESSION_COOKIE = '__Host-console-session';
/** Before sign-in there is no session to bind a form to: a random value in a cookie and in the form (double submit). */
export const SIGN_IN_COOKIE = '__Host-console-sign-in';

export function cookie(name: string, value: string, maxAgeSeconds: number): string {
  return `${name}=${value}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`;
}

export const clearedCookie = (name: string) => cookie(name, '', 0);

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=') || undefined;
  }
  return undefined;
}

export const randomToken = () => randomBytes(24).toString('base64url');

/**
 * The CSRF token of a session: a keyed hash of the session token (the link-signing key's
 * fingerprint), in a hidden field of every form. A page from another site cannot read it, and it
 * changes with every sign-in.
 */
export function csrfTokenFor(session: string, fingerprint: (value: string) => string): string {
  return fingerprint(`console-csrf:${createHash('sha256').update(session).digest('base64url')}`);
}

export function sameToken(given: string | undefined | null, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
