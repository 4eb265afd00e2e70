import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { CONSOLE_GROUPS, type ConsoleGroup } from '../../shared/core/console/roles';
import { EmulatorError, LOCALHOST, LOCAL_CREDENTIALS, LOCAL_REGION, freePort, waitFor, type Running } from './emulators';
import { makePrivate } from './private-files';

/**
 * The admin console's sign-in, locally: cognito-local (a Cognito user pool emulator: the same
 * InitiateAuth, RespondToAuthChallenge and JWKS as Amazon Cognito) as a child process, with the
 * pool, the console's app client, the editor / approver / viewer groups and the demo users below.
 */

/** Demo sign-ins for the local default only (example.org). The same password for each; npm start prints them. */
export const DEMO_PASSWORD = 'Demo-briefings-2026';
export const DEMO_USERS: readonly { email: string; name: string; groups: readonly ConsoleGroup[] }[] = [
  { email: 'editor@example.org', name: 'Learning and development lead', groups: ['editor', 'approver'] },
  { email: 'chair@example.org', name: 'Chair, Learning and Development Group', groups: ['approver'] },
  { email: 'writer@example.org', name: 'Learning and development officer', groups: ['editor'] },
  { email: 'scrutineer@example.org', name: 'Independent scrutineer', groups: ['viewer'] },
];

const POOL_NAME = 'briefings-admins';
const CLIENT_NAME = 'console';

export interface LocalSignIn extends Running {
  issuer: string;
  clientId: string;
  userPoolId: string;
}

/** Starts cognito-local on 127.0.0.1 (its data under `dataDir`, or a temporary folder) and makes sure the pool and demo users exist. */
export async function startSignIn(options: { port?: number; dataDir?: string } = {}): Promise<LocalSignIn> {
  const port = options.port ?? (await freePort());
  const cwd = options.dataDir ?? mkdtempSync(join(tmpdir(), 'cognito-'));
  mkdirSync(cwd, { recursive: true });
  makePrivate(cwd);
  const bin = join(dirname(require.resolve('cognito-local/package.json')), 'lib', 'bin', 'start.js');
  // cognito-local keeps its pools under ./.cognito: the child runs in the data folder.
  const child = spawn(process.execPath, [bin], {
    cwd,
    env: { ...process.env, PORT: String(port), HOST: LOCALHOST, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output = (output + chunk).slice(-4000)));
  child.stderr?.on('data', (chunk) => (output = (output + chunk).slice(-4000)));
  let exited = false;
  child.once('exit', () => (exited = true));
  const gone = () => new Promise<void>((resolve) => (exited ? resolve() : child.once('exit', () => resolve())));
  process.once('exit', () => child.kill('SIGKILL'));
  const url = `http://${LOCALHOST}:${port}`;
  const stop = async () => {
    if (exited) return;
    const done = gone();
    child.kill('SIGTERM');
    await done;
  };
  try {
    await waitFor(`cognito-local on port ${port}`, async () => {
      if (exited) throw new EmulatorError(`cognito-local exited during start-up. Its output:\n${output}`);
      return (await fetch(`${url}/health`)).ok;
    });
    const pool = await ensureAdminPool(url);
    makePrivate(cwd);
    return { url, port, ...pool, stop };
  } catch (error) {
    await stop();
    throw new EmulatorError(`cognito-local did not start on port ${port}. Is the port in use? Output:\n${output}`, { cause: error });
  }
}

/** The pool, its app client, the groups and the demo users: created once, kept as they are after that. */
export async function ensureAdminPool(endpoint: string): Promise<{ issuer: string; clientId: string; userPoolId: string }> {
  const cognito = new CognitoIdentityProviderClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  try {
    const pools = await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }));
    let userPoolId = pools.UserPools?.find((pool) => pool.Name === POOL_NAME)?.Id;
    if (!userPoolId) {
      // MFA is required in AWS (infra/stack.ts). Locally it is optional so the demo users can sign in
      // without an authenticator app; the console answers the TOTP challenge the same way in both.
      const created = await cognito.send(new CreateUserPoolCommand({ PoolName: POOL_NAME, UsernameAttributes: ['email'], MfaConfiguration: 'OPTIONAL' }));
      userPoolId = created.UserPool!.Id!;
      for (const group of CONSOLE_GROUPS) await cognito.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: group }));
    }
    const clients = await cognito.send(new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }));
    let clientId = clients.UserPoolClients?.find((client) => client.ClientName === CLIENT_NAME)?.ClientId;
    if (!clientId) {
      const created = await cognito.send(
        new CreateUserPoolClientCommand({ UserPoolId: userPoolId, ClientName: CLIENT_NAME, ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }),
      );
      clientId = created.UserPoolClient!.ClientId!;
    }
    for (const user of DEMO_USERS) await ensureDemoUser(cognito, userPoolId, user);
    return { userPoolId, clientId, issuer: `${endpoint}/${userPoolId}` };
  } finally {
    cognito.destroy();
  }
}

async function ensureDemoUser(cognito: CognitoIdentityProviderClient, userPoolId: string, user: (typeof DEMO_USERS)[number]) {
  try {
    await cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: user.email }));
    return;
  } catch (error) {
    if (!(error instanceof UserNotFoundException) && (error as Error).name !== 'UserNotFoundException') throw error;
  }
  await cognito.send(
    new AdminCreateUserCommand({
      UserPoolId: userPoolId,
      Username: user.email,
      UserAttributes: [
        { Name: 'email', Value: user.email },
        { Name: 'email_verified', Value: 'true' },
        { Name: 'name', Value: user.name },
      ],
      MessageAction: 'SUPPRESS',
    }),
  );
  await cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: user.email, Password: DEMO_PASSWORD, Permanent: true }));
  for (const group of user.groups) await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: user.email, GroupName: group }));
}
