import { SendRawEmailCommand } from '@aws-sdk/client-ses';
import { startSes } from '../../infra/local/emulators';
import { pointSdkAt } from '../../infra/local/pipeline';
import { sesClient } from '../../shared/adapters/wiring-email';
import { eachConcurrently } from '../concurrently';
import { benchFinding, benchMembers } from '../fixtures';
import { meterSes } from '../instrument';
import { readerInputs, tailoredMessage } from '../messages';
import { every, progress, seconds } from '../progress';
import { mean, type BareRun } from '../report';
import { benchEmailsInStore } from '../ses-store';

export interface BareOptions {
  count: number;
  /** SES calls in flight: the most the pipeline run had. */
  concurrency: number;
}

/**
 * The limit the pipeline is compared with: the same number of SendRawEmail calls, the same
 * concurrency, the same SES client and emulator, and nothing else (no DynamoDB, no
 * rendering: one real raw message per recipient is built before the clock starts).
 */
export async function runBare(options: BareOptions): Promise<BareRun> {
  const { count, concurrency } = options;
  if (!(concurrency >= 1)) throw new Error(`the bare loop needs a concurrency of 1 or more, not ${concurrency}`);
  progress('bare', `building ${count} tailored raw messages (not timed)`);
  const finding = benchFinding();
  const inputs = readerInputs(finding, benchMembers(count));
  const messages: Buffer[] = [];
  for (const input of inputs) messages.push(await tailoredMessage(finding, input));

  const ses = await startSes();
  try {
    pointSdkAt({ ses: ses.url });
    // The handlers' own client (module singleton, same settings), created now that its endpoint is set.
    const client = sesClient();
    const meter = meterSes(client);
    progress('bare', `sending ${count} with ${concurrency} in flight`);
    const startedAt = performance.now();
    const stopProgress = every(2000, () => `${meter.completions.length}/${count} emails sent (${seconds(performance.now() - startedAt)})`, 'bare');
    try {
      await eachConcurrently(messages, concurrency, async (raw) => {
        // A failure is counted by the meter; the loop goes on, as a batch would.
        await client.send(new SendRawEmailCommand({ RawMessage: { Data: raw } })).catch(() => undefined);
      });
    } finally {
      stopProgress();
    }
    progress('bare', `${meter.completions.length}/${count} emails sent in ${seconds(performance.now() - startedAt)}`);
    // Before the cross-check below, which holds the whole store in memory for a moment.
    const peakRssKb = process.resourceUsage().maxRSS;
    return {
      count,
      concurrency,
      completionsMs: meter.completions.map((at) => at - startedAt),
      failures: meter.failures,
      maxInFlight: meter.maxInFlight,
      emailsInStore: await benchEmailsInStore(ses.url),
      meanRawBytes: mean(meter.rawBytes),
      peakRssKb,
    };
  } finally {
    await ses.stop();
  }
}
