import { EXAMPLE_PARTNERSHIP_NAME } from '../../shared/contract/settings';
import { join } from 'node:path';
import { SESClient } from '@aws-sdk/client-ses';
import { FUNCTIONS } from '../../shared/contract/functions';
import { LOCAL_CREDENTIALS, LOCAL_REGION, repoRoot } from '../../infra/local/emulators';
import { SesMailer } from '../../shared/adapters/ses-mailer';
import { loadTokenSigner } from '../../shared/adapters/token-key';
import { runDigest, type DigestSummary } from '../../shared/flows/digest/digest';
import type { Output } from '../output';
import { UsageError, type Target } from '../target';

/**
 * `digest run --now`: the weekly digest, now, against the local default (the same
 * service the scheduled function runs). Re-running it in the same week sends nothing twice.
 */
export async function runDigestNow(target: Target, io: Output, env: NodeJS.ProcessEnv): Promise<number> {
  if (!target.isLocal) {
    throw new UsageError(
      'In AWS the digest runs on its schedule (Monday 08:00 UK time). To run it now, invoke the function: ' +
        'aws lambda invoke --function-name <DigestFunctionName output of the stack> digest.json',
    );
  }
  const dataDir = env.LOCAL_DATA_DIR ?? join(repoRoot(), '.local');
  const signer = await loadTokenSigner({ TOKEN_KEY_FILE: env.TOKEN_KEY_FILE ?? join(dataDir, 'token-key') });
  const ses = new SESClient({ endpoint: env.SES_ENDPOINT ?? `http://127.0.0.1:${env.SES_PORT ?? 8005}`, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  try {
    io.out('Running the weekly digest now…');
    const summary = await runDigest({
      findings: target.findings,
      briefings: target.briefings,
      subscribers: target.subscribers,
      suppressions: target.suppressions,
      deliveries: target.deliveries,
      mailer: new SesMailer(ses),
      signer,
      senderAddress: env.SENDER_ADDRESS ?? 'briefings@example.org',
      senderName: env.PARTNERSHIP_NAME || EXAMPLE_PARTNERSHIP_NAME,
      publicBaseUrl: env.PUBLIC_BASE_URL ?? `http://localhost:${env.HTTP_PORT ?? 3000}`,
      timeZone: FUNCTIONS.digest.trigger.timeZone,
      onProgress: (done, total) => io.progress(`Sending digests: ${done}/${total}`),
    });
    if (!summary.findings) {
      io.out(`Week ${summary.weekId}: no findings were published in the last two weeks, so no digest was sent.`);
      return 0;
    }
    io.out(digestRunSummary(summary));
    if (summary.failed) io.err('Some digests failed: the reasons are on their ledger rows. Fix the cause and run this again; only those are retried.');
    return summary.failed ? 1 : 0;
  } finally {
    ses.destroy();
  }
}

/**
 * One account of a run, whose parts add up: of the weekly subscribers with something on their
 * topics they had not had (by email, or in last week's digest), how many were sent this week's
 * digest now, had it from an earlier run this week, are suppressed, or failed.
 */
export function digestRunSummary(summary: DigestSummary): string {
  const head = `Week ${summary.weekId}: ${summary.findings} finding(s) published in the last two weeks.`;
  if (!summary.subscribers) return `${head} No weekly subscriber has one on their topics that they have not had already: no digest to send.`;
  const parts = [
    `${summary.sent} sent now`,
    summary.alreadySent ? `${summary.alreadySent} had this week's digest from an earlier run (not sent again)` : '',
    summary.suppressed ? `${summary.suppressed} suppressed` : '',
    summary.failed ? `${summary.failed} failed` : '',
  ].filter(Boolean);
  return `${head} ${summary.subscribers} weekly subscriber(s) have findings on their topics for this week's digest: ${parts.join(', ')}.`;
}
