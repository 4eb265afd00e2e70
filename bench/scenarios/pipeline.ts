import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { FUNCTIONS, type FunctionName } from '../../shared/contract/functions';
import { waitFor } from '../../infra/local/emulators';
import { startLocalPipeline } from '../../infra/local/pipeline';
import { localTableNames } from '../../infra/local/tables';
import { dynamoClient } from '../../shared/adapters/wiring';
import { sesClient } from '../../shared/adapters/wiring-email';
import { DynamoFindingStore } from '../../shared/adapters/dynamo/finding-store';
import { DynamoListStore } from '../../shared/adapters/dynamo/list-store';
import { documentClient } from '../../shared/adapters/dynamo/kit';
import { BENCH_FINDING_ID, BENCH_LIST, benchFindingItem, benchMembers } from '../fixtures';
import { meterDynamo, meterSes } from '../instrument';
import { every, progress, seconds } from '../progress';
import { mean, type InvocationStats, type PipelineRun } from '../report';
import { countSent } from '../ledger-count';
import { benchEmailsInStore } from '../ses-store';

export interface PipelineOptions {
  /** Shown in progress lines: "throughput", "rate". */
  label: string;
  recipients: number;
  /** MAX_SEND_RATE for this run's sender. */
  maxSendRate: number;
  /** Give up after this long waiting for the emails (default: 2 minutes + 200 ms per recipient). */
  timeoutMs?: number;
}

/**
 * The whole local pipeline (startLocalPipeline: DynamoDB Local, the SES emulator, the
 * pollers calling the real handlers). A list of N generated members is written first;
 * the clock starts when the published, approved finding is written, and the run ends when
 * the last SendRawEmail has returned and the ledger says every row is SENT.
 */
export async function runPipeline(options: PipelineOptions): Promise<PipelineRun> {
  const { label, recipients } = options;
  const timeoutMs = options.timeoutMs ?? 120_000 + recipients * 200;
  progress(label, `starting DynamoDB Local, the SES emulator and the pollers (MAX_SEND_RATE ${options.maxSendRate})`);
  const pipeline = await startLocalPipeline({
    maxSendRate: options.maxSendRate,
    log: { info: () => undefined, error: (message) => progress(label, `pipeline: ${message}`) },
  });
  try {
    // The handlers are loaded: these are the very clients they send with.
    const ses = meterSes(sesClient());
    const dynamo = meterDynamo(dynamoClient());
    await waitFor('the stream pollers to be reading', async () => Object.values(pipeline.pollers).every((poller) => poller.isCaughtUp), 60_000);

    // Set-up, through the emulator's own client so none of it is counted.
    const tables = localTableNames();
    const db = documentClient(pipeline.dynamo.client);
    const lists = new DynamoListStore(db, tables.lists, tables.listMembers);
    await lists.putList({ ...BENCH_LIST });
    const members = benchMembers(recipients);
    await lists.putMembers(BENCH_LIST.id, members, (written) => {
      if (written % 1000 === 0 || written === members.length) progress(label, `list members written: ${written}/${members.length}`);
    });
    ses.reset();
    dynamo.reset();
    const before = invocationCounts(pipeline.pollers);

    progress(label, `publishing one finding to ${recipients} recipients`);
    const publishedAt = performance.now();
    await db.send(new PutCommand({ TableName: tables.findings, Item: benchFindingItem() }));
    const stopProgress = every(2000, () => `${ses.completions.length}/${recipients} emails sent (${seconds(performance.now() - publishedAt)})`, label);
    try {
      const findings = new DynamoFindingStore(db, tables.findings);
      let plannedMs: number | undefined;
      let pipelineStatus: unknown;
      await waitFor('the finding to be planned (or held)', async () => {
        const item = await findings.getRaw(BENCH_FINDING_ID);
        pipelineStatus = item?.pipelineStatus;
        if (pipelineStatus === 'planned') plannedMs = performance.now() - publishedAt;
        return pipelineStatus === 'planned' || pipelineStatus === 'held';
      }, timeoutMs, 50);
      if (pipelineStatus === 'held') {
        const item = await findings.getRaw(BENCH_FINDING_ID);
        throw new Error(`The bench finding was held, not sent: ${JSON.stringify(item?.pipelineErrors)}`);
      }
      await waitFor(`${recipients} emails accepted by SES`, async () => ses.completions.length >= recipients, timeoutMs, 20);
      progress(label, `${ses.completions.length}/${recipients} emails sent; waiting for the ledger to settle`);
      let ledgerSent = 0;
      await waitFor('every ledger row to be SENT', async () => {
        if (!Object.values(pipeline.pollers).every((poller) => poller.isCaughtUp)) return false;
        ledgerSent = await countSent(db, tables.deliveries);
        return ledgerSent >= recipients;
      }, 120_000, 250);
      const invocations = invocationDelta(pipeline.pollers, before);
      // Before the cross-check below, which holds the whole store in memory for a moment.
      const peakRssKb = process.resourceUsage().maxRSS;
      const emailsInStore = await benchEmailsInStore(pipeline.ses.url);
      return {
        recipients,
        maxSendRate: options.maxSendRate,
        completionsMs: ses.completions.map((at) => at - publishedAt),
        startsMs: ses.starts.map((at) => at - publishedAt),
        sesFailures: ses.failures,
        maxInFlight: ses.maxInFlight,
        emailsInStore,
        ledgerSent,
        plannedMs,
        dynamo: dynamo.operations(),
        invocations,
        meanRawBytes: mean(ses.rawBytes),
        peakRssKb,
      };
    } finally {
      stopProgress();
    }
  } finally {
    await pipeline.stop();
  }
}

type Pollers = Awaited<ReturnType<typeof startLocalPipeline>>['pollers'];

function invocationCounts(pollers: Pollers) {
  return Object.fromEntries(Object.entries(pollers).map(([name, poller]) => [name, { ...poller.invocations }]));
}

/** Handler calls since `before`, per function that was called, with its configured memory. */
function invocationDelta(pollers: Pollers, before: ReturnType<typeof invocationCounts>): Record<string, InvocationStats> {
  const result: Record<string, InvocationStats> = {};
  for (const [name, poller] of Object.entries(pollers)) {
    const start = before[name] ?? { count: 0, records: 0, billedMs: 0 };
    const count = poller.invocations.count - start.count;
    if (!count) continue;
    result[name] = {
      count,
      records: poller.invocations.records - start.records,
      billedMs: poller.invocations.billedMs - start.billedMs,
      memoryMb: FUNCTIONS[name as FunctionName].memoryMb,
    };
  }
  return result;
}
