import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { COMMON_ENV } from '../contract/environment';
import { TokenKeyError, TokenSigner } from '../core/tokens';

/**
 * The key that signs every link is never in the code: in AWS it is a Secrets Manager
 * secret (TOKEN_KEY_SECRET_ARN), locally a file generated once under .local/
 * (TOKEN_KEY_FILE). It is read once per cold start.
 */
export async function loadTokenSigner(env: NodeJS.ProcessEnv = process.env, client?: SecretsManagerClient): Promise<TokenSigner> {
  const file = env[COMMON_ENV.tokenKeyFile];
  if (file) {
    if (!existsSync(file)) throw new TokenKeyError(`${COMMON_ENV.tokenKeyFile}=${file} does not exist. Locally, npm start creates it.`);
    return new TokenSigner(Buffer.from(readFileSync(file, 'utf8').trim(), 'utf8'));
  }
  const secretArn = env[COMMON_ENV.tokenKeySecretArn];
  if (!secretArn) {
    throw new TokenKeyError(`Neither ${COMMON_ENV.tokenKeySecretArn} (AWS) nor ${COMMON_ENV.tokenKeyFile} (local) is set: links cannot be signed.`);
  }
  const secrets = client ?? new SecretsManagerClient({});
  try {
    const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }));
    if (!SecretString) throw new TokenKeyError(`The secret ${secretArn} has no string value.`);
    return new TokenSigner(Buffer.from(SecretString.trim(), 'utf8'));
  } finally {
    if (!client) secrets.destroy();
  }
}

/** Creates the local key once (64 random hex characters, readable by this user only) and returns its path. */
export function ensureLocalTokenKey(file: string): string {
  if (!existsSync(file)) {
    // Readable by this user only, like the rest of .local/ (infra/local/private-files.ts).
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  }
  return file;
}

/** Cached per cold start; a failed load is retried on the next call rather than cached. */
export function cachedTokenSigner(env: NodeJS.ProcessEnv = process.env): () => Promise<TokenSigner> {
  let pending: Promise<TokenSigner> | undefined;
  return () => {
    pending ??= loadTokenSigner(env).catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}
