import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Local data (DynamoDB Local's database, stream checkpoints, dead letters, the link key) holds
 * every address and finding, so it is readable by this user only: files 0600, folders 0700.
 */
export const PRIVATE_FILE = 0o600;
export const PRIVATE_DIR = 0o700;

/** The umask that makes anything a child process creates private (DynamoDB Local's files). */
export const PRIVATE_UMASK = 0o077;

/** Creates `dir` (and its parents) if missing, then makes it and everything in it private. Symbolic links are left alone. */
export function makePrivate(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
  const walk = (path: string) => {
    const stat = lstatSync(path, { throwIfNoEntry: false });
    if (!stat || stat.isSymbolicLink()) return;
    if (stat.isDirectory()) {
      if ((stat.mode & 0o777) !== PRIVATE_DIR) chmodSync(path, PRIVATE_DIR);
      for (const name of readdirSync(path)) walk(join(path, name));
    } else if ((stat.mode & 0o777) !== PRIVATE_FILE) {
      chmodSync(path, PRIVATE_FILE);
    }
  };
  walk(dir);
}
