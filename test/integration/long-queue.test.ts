import { startDynamoDb } from '../../infra/local/emulators';
import { ensureTables, localTableNames } from '../../infra/local/tables';
import { stores } from '../../shared/adapters/wiring';
import { QUEUE_DRAIN_SHARE, planBriefing } from '../../shared/flows/publish/plan-briefing';
import { SWEEP_LIMITS, sweep } from '../../shared/flows/housekeeping/sweeper';
import { validFinding } from '../support/findings';
import { claimOne } from '../support/ledger';

/**
 * A big list drains at the SES rate, so its last rows wait a long time in the stream
 * (50,000 at 14/s is an hour). Each row's place in the queue is its `openSince`, so the
 * sweeper re-queues only rows that are late for their turn, never ones that are waiting.
 * Real DynamoDB Local and the real planner; only the clock is chosen.
 */

let dynamo: Awaited<ReturnType<typeof startDynamoDb>>;
let store: ReturnType<typeof stores>;
const MEMBERS = 40;

beforeAll(async () => {
  dynamo = await startDynamoDb();
  await ensureTables(dynamo.client);
  store = stores({ tables: localTableNames() }, dynamo.client);
  await store.lists().putList({ id: 'everyone', name: 'Everyone in the partnership' });
  await store.lists().putMembers(
    'everyone',
    Array.from({ length: MEMBERS }, (_, i) => ({ email: `reader.${i}@example.org`, name: `Reader ${i}`, agency: 'health' as const, role: 'frontline' as const })),
  );
}, 120_000);

afterAll(async () => {
  await dynamo?.stop();
});

async function plan(id: string, maxSendRate: number, at: Date) {
  const finding = { ...validFinding({ id }), status: 'published', approvedBy: 'Learning and Development Group' };
  const outcome = await planBriefing(
    {
      findings: store.findings(), lists: store.lists(), briefings: store.briefings(), deliveries: store.deliveries(),
      subscribers: store.subscribers(), suppressions: store.suppressions(), settings: store.settings(),
      maxSendRate, now: () => at,
    },
    undefined,
    finding,
  );
  expect(outcome).toMatchObject({ outcome: 'planned', recipients: MEMBERS });
  return (await store.deliveries().byBriefing(`${id}#v1`)).sort((a, b) => a.openSince!.localeCompare(b.openSince!));
}

test('each PENDING row is due at its turn: one per 1/rate seconds after planning, at the share of the rate a queue really drains at', async () => {
  // Later than the sweeper test's clock, so these rows are not yet due there.
  const at = new Date('2026-03-09T09:00:00.000Z');
  const rows = await plan('queue-turns', 5, at);
  // 5/s, planned at 80 %: one every 250 ms.
  expect(QUEUE_DRAIN_SHARE).toBe(0.8);
  expect(rows.map((row) => row.openSince)).toEqual(Array.from({ length: MEMBERS }, (_, i) => new Date(at.getTime() + i * 250).toISOString()));
  expect(new Set(rows.map((row) => row.createdAt))).toEqual(new Set([at.toISOString()]));
});

test('the sweeper re-queues only the rows late for their turn, not those still waiting behind the send rate', async () => {
  const at = new Date('2026-03-03T09:00:00.000Z');
  await plan('slow-queue', 1.25, at);
  // 1.25/s planned at 80 %: one a second. 15 minutes past the turn of the row at position 10 (10 s after planning).
  const now = new Date(at.getTime() + SWEEP_LIMITS.pendingAfterMs + 10_500);
  const result = await sweep(store.deliveries(), now);
  expect(result.requeuedPending).toBe(11);
  const rows = await store.deliveries().byBriefing('slow-queue#v1');
  expect(rows.filter((row) => row.createdAt === now.toISOString())).toHaveLength(11);
  expect(rows.filter((row) => row.createdAt === at.toISOString())).toHaveLength(MEMBERS - 11);
});

test('a row taken by the sender long after its turn counts as stuck only 10 minutes after it was taken', async () => {
  const at = new Date('2026-03-05T09:00:00.000Z');
  const [first] = await plan('late-claim', 1, at);
  const claimedAt = new Date(at.getTime() + 20 * 60_000);
  expect(await claimOne(store.deliveries(), first!.deliveryId, first!.createdAt, claimedAt)).toBe(true);
  const stillSending = async () => (await store.deliveries().get(first!.deliveryId))?.status;

  // Its turn was 25 minutes ago, but it was taken 5 minutes ago: the sender may still be at it.
  await sweep(store.deliveries(), new Date(claimedAt.getTime() + 5 * 60_000));
  expect(await stillSending()).toBe('SENDING');
  // Taken more than 10 minutes ago: the sender died; it is re-driven (once).
  const result = await sweep(store.deliveries(), new Date(claimedAt.getTime() + SWEEP_LIMITS.sendingAfterMs + 1_000));
  expect(result.redrivenSending).toBe(1);
  expect(await stillSending()).toBe('PENDING');
});

test('a backlog of late PENDING rows does not crowd a stuck SENDING row out of a sweep', async () => {
  const at = new Date('2026-03-06T09:00:00.000Z');
  const rows = await plan('crowded', 1, at);
  const last = rows[rows.length - 1]!;
  expect(await claimOne(store.deliveries(), last.deliveryId, last.createdAt, new Date(at.getTime() + 40_000))).toBe(true);

  // A small run: 39 late PENDING rows compete with the one stuck SENDING row, which is the newest of all.
  const result = await sweep(store.deliveries(), new Date(at.getTime() + 40_000 + SWEEP_LIMITS.pendingAfterMs), { ...SWEEP_LIMITS, rowsPerRun: 10 });
  expect(result.redrivenSending).toBe(1);
  expect(result.requeuedPending).toBeGreaterThan(0);
  // Half the run for each status, shared out per index shard (rounded up: one row from each of the 10).
  expect(result.requeuedPending).toBeLessThanOrEqual(10);
});
