import {
  AssociateSoftwareTokenCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  VerifySoftwareTokenCommand,
  type AuthenticationResultType,
  type ChallengeNameType,
} from '@aws-sdk/client-cognito-identity-provider';
import { JwtVerifier } from 'aws-jwt-verify';
import type { SignInService, SignInStep } from '../core/console/sign-in';
import { isConsoleGroup, type ConsoleUser } from '../core/console/roles';

/**
 * Sign-in with a Cognito user pool (cognito-local locally): USER_PASSWORD_AUTH from the console's
 * server side, then whichever challenge the pool asks for (a new password, a TOTP code, setting up
 * TOTP). Tokens are checked with aws-jwt-verify: signature against the pool's JWKS, issuer,
 * audience (the console's client), expiry, and that it is an ID token.
 */
export function cognitoSignIn(settings: { issuer: string; clientId: string; endpoint?: string }, client?: CognitoIdentityProviderClient): SignInService {
  const region = /cognito-idp\.([a-z0-9-]+)\.amazonaws\.com/.exec(settings.issuer)?.[1] ?? process.env.AWS_REGION ?? 'eu-west-2';
  const cognito = client ?? new CognitoIdentityProviderClient({ region, ...(settings.endpoint ? { endpoint: settings.endpoint } : {}) });
  const jwksUri = `${settings.issuer}/.well-known/jwks.json`;
  const verifier = JwtVerifier.create({
    issuer: settings.issuer,
    audience: settings.clientId,
    jwksUri,
    customJwtCheck: ({ payload }) => {
      if (payload.token_use !== 'id') throw new Error('not an ID token');
    },
  });
  // aws-jwt-verify fetches a JWKS over https only. cognito-local serves it over http on loopback,
  // so locally it is fetched here once and handed to the verifier, which then checks as usual.
  let jwksLoaded: Promise<void> | undefined;
  const loadLocalJwks = () =>
    (jwksLoaded ??= (async () => {
      if (!/^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(jwksUri)) return;
      const response = await fetch(jwksUri);
      verifier.cacheJwks((await response.json()) as Parameters<typeof verifier.cacheJwks>[0]);
    })().catch((error: unknown) => {
      jwksLoaded = undefined;
      throw error;
    }));

  const step = (result: { AuthenticationResult?: AuthenticationResultType; ChallengeName?: ChallengeNameType | string; Session?: string }): SignInStep => {
    if (result.AuthenticationResult?.IdToken) {
      return { kind: 'signed-in', idToken: result.AuthenticationResult.IdToken, expiresInSeconds: result.AuthenticationResult.ExpiresIn ?? 3600 };
    }
    const challenge = result.ChallengeName;
    if ((challenge === 'NEW_PASSWORD_REQUIRED' || challenge === 'SOFTWARE_TOKEN_MFA' || challenge === 'MFA_SETUP') && result.Session) {
      return { kind: 'challenge', challenge, session: result.Session };
    }
    return { kind: 'refused', message: `This account needs a sign-in step the console does not offer (${String(challenge ?? 'none')}). Ask the user pool's administrator.` };
  };

  return {
    async signIn(email, password) {
      try {
        return step(await cognito.send(new InitiateAuthCommand({ ClientId: settings.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD: password } })));
      } catch (error) {
        return refused(error);
      }
    },
    async answer(challenge, session, email, answer) {
      try {
        if (challenge === 'MFA_SETUP') {
          // Verifying the first code turns TOTP on; the pool then finishes the sign-in.
          const verified = await cognito.send(new VerifySoftwareTokenCommand({ Session: session, UserCode: answer, FriendlyDeviceName: 'console' }));
          return step(await cognito.send(new RespondToAuthChallengeCommand({ ClientId: settings.clientId, ChallengeName: 'MFA_SETUP', Session: verified.Session, ChallengeResponses: { USERNAME: email } })));
        }
        const responses: Record<string, string> =
          challenge === 'NEW_PASSWORD_REQUIRED' ? { USERNAME: email, NEW_PASSWORD: answer } : { USERNAME: email, SOFTWARE_TOKEN_MFA_CODE: answer };
        return step(await cognito.send(new RespondToAuthChallengeCommand({ ClientId: settings.clientId, ChallengeName: challenge, Session: session, ChallengeResponses: responses })));
      } catch (error) {
        return refused(error);
      }
    },
    async totpSecret(session) {
      const associated = await cognito.send(new AssociateSoftwareTokenCommand({ Session: session }));
      return { secret: associated.SecretCode ?? '', session: associated.Session ?? session };
    },
    async verify(idToken) {
      try {
        await loadLocalJwks();
        const payload = await verifier.verify(idToken);
        const groups = payload['cognito:groups'];
        return {
          sub: String(payload.sub),
          email: typeof payload.email === 'string' ? payload.email : String(payload['cognito:username'] ?? payload.sub),
          groups: Array.isArray(groups) ? groups.filter(isConsoleGroup) : [],
        } satisfies ConsoleUser;
      } catch {
        return undefined;
      }
    },
  };
}

/** Cognito's refusals in words that say what to do; the exception's name only, never its message (it can quote the address). */
function refused(error: unknown): SignInStep {
  const name = (error as Error).name;
  const messages: Record<string, string> = {
    NotAuthorizedException: 'The email address or password is not right. Check them and try again.',
    UserNotFoundException: 'The email address or password is not right. Check them and try again.',
    InvalidPasswordException: 'That password is not allowed: use at least 12 characters, with upper and lower case letters, a number and a symbol.',
    PasswordResetRequiredException: 'Your password must be reset before you can sign in. Ask the user pool administrator to reset it.',
    UserNotConfirmedException: 'This account is not confirmed yet. Ask the user pool administrator to confirm it.',
    CodeMismatchException: 'That code is not right. Type the 6-digit code your authenticator app shows now.',
    EnableSoftwareTokenMFAException: 'That code is not right. Type the 6-digit code your authenticator app shows now.',
    ExpiredCodeException: 'That code has expired. Type the code your authenticator app shows now.',
    TooManyRequestsException: 'Too many attempts. Wait a minute, then try again.',
    LimitExceededException: 'Too many attempts. Wait a minute, then try again.',
  };
  const message = messages[name];
  if (message) return { kind: 'refused', message };
  if (/session/i.test(name) || name === 'NotAuthorizedException') return { kind: 'refused', message: 'The sign-in took too long. Start again.' };
  throw error;
}
