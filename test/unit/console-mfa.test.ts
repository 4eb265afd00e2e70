import {
  AssociateSoftwareTokenCommand,
  CodeMismatchException,
  CognitoIdentityProviderClient,
  EnableSoftwareTokenMFAException,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { cognitoSignIn } from '../../shared/adapters/cognito-sign-in';
import { consoleApp, type ConsoleDeps } from '../../shared/flows/console/app';
import type { AuditEntry } from '../../shared/core/console/audit';

/**
 * The authenticator-app steps of signing in. In AWS the user pool requires TOTP: a first sign-in
 * sets the app up (MFA_SETUP), every later one asks for its code (SOFTWARE_TOKEN_MFA).
 * cognito-local offers neither step, so here, and only here, the Cognito client is mocked
 * (aws-sdk-client-mock); the requests are the ones Cognito's API reference gives.
 */
const settings = { issuer: 'https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_example', clientId: 'console-client' };
const cognito = mockClient(CognitoIdentityProviderClient);
const client = () => new CognitoIdentityProviderClient({ region: 'eu-west-2', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });

beforeEach(() => cognito.reset());

test('a first sign-in sets up the authenticator app, then signs in (mocked Cognito: cognito-local has no TOTP)', async () => {
  cognito.on(InitiateAuthCommand).resolves({ ChallengeName: 'MFA_SETUP', Session: 's1' });
  cognito.on(AssociateSoftwareTokenCommand, { Session: 's1' }).resolves({ SecretCode: 'JBSWY3DPEHPK3PXP', Session: 's2' });
  cognito.on(VerifySoftwareTokenCommand, { Session: 's2', UserCode: '123456' }).resolves({ Status: 'SUCCESS', Session: 's3' });
  cognito.on(RespondToAuthChallengeCommand, { ChallengeName: 'MFA_SETUP', Session: 's3' }).resolves({ AuthenticationResult: { IdToken: 'id-token', ExpiresIn: 28800 } });
  const signIn = cognitoSignIn(settings, client());

  const first = await signIn.signIn('editor@example.org', 'Demo-briefings-2026');
  expect(first).toEqual({ kind: 'challenge', challenge: 'MFA_SETUP', session: 's1' });
  expect(await signIn.totpSecret('s1')).toEqual({ secret: 'JBSWY3DPEHPK3PXP', session: 's2' });
  expect(await signIn.answer('MFA_SETUP', 's2', 'editor@example.org', '123456')).toEqual({ kind: 'signed-in', idToken: 'id-token', expiresInSeconds: 28800 });
  expect(cognito.commandCalls(InitiateAuthCommand)[0]!.args[0].input).toEqual({
    ClientId: 'console-client',
    AuthFlow: 'USER_PASSWORD_AUTH',
    AuthParameters: { USERNAME: 'editor@example.org', PASSWORD: 'Demo-briefings-2026' },
  });
  expect(cognito.commandCalls(RespondToAuthChallengeCommand)[0]!.args[0].input.ChallengeResponses).toEqual({ USERNAME: 'editor@example.org' });
});

test('a later sign-in asks for the code: a wrong one is refused in words, the right one signs in (mocked Cognito)', async () => {
  cognito.on(InitiateAuthCommand).resolves({ ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: 's1' });
  cognito
    .on(RespondToAuthChallengeCommand, { ChallengeResponses: { USERNAME: 'chair@example.org', SOFTWARE_TOKEN_MFA_CODE: '000000' } })
    .rejects(new CodeMismatchException({ message: 'Invalid code received for user', $metadata: {} }));
  cognito
    .on(RespondToAuthChallengeCommand, { ChallengeResponses: { USERNAME: 'chair@example.org', SOFTWARE_TOKEN_MFA_CODE: '654321' } })
    .resolves({ AuthenticationResult: { IdToken: 'id-token', ExpiresIn: 3600 } });
  const signIn = cognitoSignIn(settings, client());
  expect(await signIn.signIn('chair@example.org', 'Demo-briefings-2026')).toEqual({ kind: 'challenge', challenge: 'SOFTWARE_TOKEN_MFA', session: 's1' });
  expect(await signIn.answer('SOFTWARE_TOKEN_MFA', 's1', 'chair@example.org', '000000')).toEqual({
    kind: 'refused',
    message: 'That code is not right. Type the 6-digit code your authenticator app shows now.',
  });
  expect(await signIn.answer('SOFTWARE_TOKEN_MFA', 's1', 'chair@example.org', '654321')).toEqual({ kind: 'signed-in', idToken: 'id-token', expiresInSeconds: 3600 });
});

test('the console walks an admin through setting up the app: the key is shown, a wrong code is said so by the field, the right one starts a session (mocked Cognito)', async () => {
  cognito.on(InitiateAuthCommand).resolves({ ChallengeName: 'MFA_SETUP', Session: 's1' });
  cognito.on(AssociateSoftwareTokenCommand).resolves({ SecretCode: 'JBSWY3DPEHPK3PXP', Session: 's2' });
  cognito.on(VerifySoftwareTokenCommand, { UserCode: '000000' }).rejects(new EnableSoftwareTokenMFAException({ message: 'Code mismatch', $metadata: {} }));
  cognito.on(VerifySoftwareTokenCommand, { UserCode: '123456' }).resolves({ Status: 'SUCCESS', Session: 's3' });
  cognito.on(RespondToAuthChallengeCommand).resolves({ AuthenticationResult: { IdToken: 'id-token', ExpiresIn: 28800 } });
  const signIn = cognitoSignIn(settings, client());
  // The token's signature is aws-jwt-verify's to check, against a real pool's keys (the browser tests do): here it is taken as read.
  signIn.verify = async (token) => (token === 'id-token' ? { sub: 'sub-1', email: 'editor@example.org', groups: ['editor'] } : undefined);
  const audit: AuditEntry[] = [];
  const app = consoleApp({
    signIn,
    audit: { append: async (entry, now) => void audit.push({ ...entry, at: now.toISOString() }), month: async () => audit },
    fingerprint: (value) => `f(${value})`,
    branding: { partnershipName: 'Exampleshire Safeguarding Children Partnership' },
  } as Partial<ConsoleDeps> as ConsoleDeps);

  const form = await app.request('/console/sign-in');
  const signInCookie = /__Host-console-sign-in=([^;]+)/.exec(form.headers.get('set-cookie')!)![1]!;
  const token = /name="token" value="([^"]+)"/.exec(await form.text())![1]!;
  const post = (fields: Record<string, string>) =>
    app.request('/console/sign-in', { method: 'POST', headers: { cookie: `__Host-console-sign-in=${signInCookie}`, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token, ...fields }).toString() });

  const setUp = await post({ email: 'editor@example.org', password: 'Demo-briefings-2026' });
  const page = await setUp.text();
  expect(setUp.status).toBe(200);
  expect(page).toContain('Set up your authenticator app');
  expect(page).toContain('<code>JBSWY3DPEHPK3PXP</code>');
  const session = /name="session" value="([^"]+)"/.exec(page)![1]!;
  expect(session).toBe('s2');

  const wrong = await post({ email: 'editor@example.org', challenge: 'MFA_SETUP', session, answer: '000000' });
  expect(wrong.status).toBe(400);
  expect(await wrong.text()).toMatch(/id="f-answer-error"><span class="skip">Error: <\/span>That code is not right/);

  const right = await post({ email: 'editor@example.org', challenge: 'MFA_SETUP', session, answer: ' 123456 ' });
  expect(right.status).toBe(303);
  expect(right.headers.get('location')).toBe('/console/findings');
  expect(right.headers.get('set-cookie')).toMatch(/__Host-console-session=id-token; Path=\/; HttpOnly; Secure; SameSite=Strict; Max-Age=28800/);
  expect(audit.map((entry) => [entry.who, entry.action])).toEqual([['editor@example.org', 'signed in']]);
});
