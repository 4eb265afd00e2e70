import { randomUUID } from 'node:crypto';
import { startDynamoDb } from '../../infra/local/emulators';
import { pointSdkAt } from '../../infra/local/pipeline';
import { ensureTables, localTableNames } from '../../infra/local/tables';
import { dynamoClient } from '../../shared/adapters/wiring';
import { DynamoDeliveryStore } from '../../shared/adapters/dynamo/delivery-store';
import { DynamoListStore } from '../../shared/adapters/dynamo/list-store';
import { chunk, documentClient } from '../../shared/adapters/dynamo/kit';
import { FUNCTIONS } from '../../shared/contract/functions';
import { pendingDelivery } from '../../shared/core/delivery';
import { eachConcurrently } from '../concurrently';
import { BENCH_FINDING_ID, BENCH_LIST, benchMembers } from '../fixtures';
import { meterDynamo } from '../instrument';
import { countSent } from '../ledger-count';
import { every, progress, seconds } from '../progress';
import type { LedgerRun } from '../report';

export interface LedgerOptions {
  /** Ledger rows: the end-to-end run's recipients. */
  rows: number;
  /** Rows in flight (in stream batches, each claimed and marked SENT in one request): the bare loop's concurrency. */
  concurrency: number;
}

/** The deliveries stream's batch: what send-briefing claims, and marks SENT, in one request each. */
const SEND_BATCH_SIZE = FUNCTIONS['send-briefing'].trigger.batchSize;

/** Shaped like an SES MessageId (60 characters), so the SENT row is the size it is in the pipeline. */
const fakeMessageId = () => `010b0192${randomUUID().replace(/-/g, '').slice(0, 8)}-${randomUUID()}-000000`;

/**
 * DynamoDB Local's own bound on this machine: only the ledger writes every email needs, through
 * the product's own DynamoDeliveryStore and the handlers' DynamoDB client, against a fresh
 * DynamoDB Local with the real tables. One insertMissing call for the PENDING rows (as
 * plan-briefing makes it for a first issue), then claim and markSent for each row with `concurrency` in flight
 * (as send-briefing calls them: claimMany and markSentMany per stream batch). No SES, no rendering, no stream processing.
 */
export async function runLedger(options: LedgerOptions): Promise<LedgerRun> {
  const { rows: count, concurrency } = options;
  if (!(concurrency >= 1)) throw new Error(`the ledger loop needs a concurrency of 1 or more, not ${concurrency}`);
  progress('ledger', 'starting DynamoDB Local and creating the tables');
  const dynamo = await startDynamoDb();
  try {
    await ensureTables(dynamo.client);
    const tables = localTableNames();
    // Set-up as in the end-to-end run, through the emulator's own client so none of it is counted:
    // the list and its members, which also warms DynamoDB Local as much as the pipeline's was.
    const setup = documentClient(dynamo.client);
    const lists = new DynamoListStore(setup, tables.lists, tables.listMembers);
    await lists.putList({ ...BENCH_LIST });
    const members = benchMembers(count);
    await lists.putMembers(BENCH_LIST.id, members);

    pointSdkAt({ dynamo: dynamo.url });
    // The handlers' own client (module singleton, same settings), created now that its endpoint is set.
    const client = dynamoClient();
    const meter = meterDynamo(client);
    const store = new DynamoDeliveryStore(documentClient(client), tables.deliveries);
    const createdAt = new Date();
    const rows = members.map((member) => pendingDelivery(BENCH_FINDING_ID, 1, { ...member, via: [BENCH_LIST.id] }, createdAt));

    progress('ledger', `writing ${count} PENDING rows (insertMissing)`);
    const pendingStarted = performance.now();
    // As plan-briefing calls it for a first issue whose snapshot it has just stored (the bench's
    // publish): `fresh`, since no row can exist yet, so no look before the writes.
    const pendingWritten = await store.insertMissing(rows, { fresh: true });
    const pendingMs = performance.now() - pendingStarted;
    progress('ledger', `${pendingWritten} PENDING rows written in ${seconds(pendingMs)}; claim + markSent with ${concurrency} in flight`);

    const sentCompletionsMs: number[] = [];
    const claimMs: number[] = [];
    const markSentMs: number[] = [];
    let claimsRefused = 0;
    let failures = 0;
    let inFlight = 0;
    let maxInFlight = 0;
    const startedAt = performance.now();
    const stopProgress = every(2000, () => `${sentCompletionsMs.length}/${count} rows SENT (${seconds(performance.now() - startedAt)})`, 'ledger');
    try {
      // As send-briefing writes them: rows claimed in one transaction, their SENTs in another, in groups of
      // as many rows as are in flight (send-briefing's SENT groups are 25, its claim parts at most 16).
      const batches = chunk(rows, Math.min(SEND_BATCH_SIZE, concurrency));
      await eachConcurrently(batches, 1, async (batch) => {
        inFlight += batch.length;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          const claimStarted = performance.now();
          const claimed = await store.claimMany(batch, new Date());
          claimMs.push(performance.now() - claimStarted);
          claimsRefused += batch.length - claimed.size;
          const sentStarted = performance.now();
          const notMarked = await store.markSentMany(batch.filter((row) => claimed.has(row.deliveryId)).map((row) => ({ deliveryId: row.deliveryId, messageId: fakeMessageId() })), new Date());
          const done = performance.now();
          markSentMs.push(done - sentStarted);
          for (let i = 0; i < claimed.size - notMarked.size; i++) sentCompletionsMs.push(done - startedAt);
          failures += notMarked.size;
        } catch (error) {
          // Counted and reported; the loop goes on, as the bare loop does.
          failures += batch.length;
          if (failures === batch.length) progress('ledger', `first failure: ${error instanceof Error ? error.message : String(error)}`);
        } finally {
          inFlight -= batch.length;
        }
      });
    } finally {
      stopProgress();
    }
    progress('ledger', `${sentCompletionsMs.length}/${count} rows SENT in ${seconds(performance.now() - startedAt)}`);
    const peakRssKb = process.resourceUsage().maxRSS;
    const operations = meter.operations();
    // Cross-check, not timed: what the table itself says.
    const ledgerSent = await countSent(setup, tables.deliveries);
    return {
      rows: count,
      concurrency,
      pendingWritten,
      pendingMs,
      sentCompletionsMs,
      claimMs,
      markSentMs,
      claimsRefused,
      failures,
      maxInFlight,
      ledgerSent,
      dynamo: operations,
      peakRssKb,
    };
  } finally {
    await dynamo.stop();
  }
}
