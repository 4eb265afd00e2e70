import { randomBytes } from 'node:crypto';
import { SESClient } from '@aws-sdk/client-ses';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDb, startSes, type StoredEmail } from '../../infra/local/emulators';
import { ensureTables, localTableNames } from '../../infra/local/tables';
import { stores } from '../../shared/adapters/wiring';
import { SesMailer } from '../../shared/adapters/ses-mailer';
import { recipientKey } from '../../shared/core/audience';
import type { DeliveryRow } from '../../shared/core/delivery';
import type { Mailer } from '../../shared/core/ports';
import { TokenSigner } from '../../shared/core/tokens';
import { planBriefing, type PlanDeps } from '../../shared/flows/publish/plan-briefing';
import { sendDelivery, type InvocationCache, type SendDeps } from '../../shared/flows/send/send-briefing';
import { SWEEP_LIMITS, sweep } from '../../shared/flows/housekeeping/sweeper';
import { sample } from '../support/findings';
import { Actor, everyOrder, gated, interleave } from '../support/turns';
import { claimOne } from '../support/ledger';

/**
 * Nobody lost when a version is raised, or the finding withdrawn, while it is being sent.
 * Real DynamoDB Local, the SES emulator, the real planner and sender. The only stand-in is
 * the order: each test makes the planner and the sender take turns at chosen calls, so a race
 * that timing would decide happens the same way every run. The stream is played by hand:
 * every ledger row's INSERT reaches the sender once, as its record would.
 *
 * Three readers are on the list: `early` had version 1 before anything happened, `waiting`
 * is still queued, and `racer` is the one the sender is sending at that very moment.
 */

const READERS = {
  racer: { email: 'racer@example.org', name: 'Rae Racer', agency: 'police', role: 'frontline' },
  waiting: { email: 'waiting@example.org', name: 'Wade Waiting', agency: 'health', role: 'manager' },
  early: { email: 'early@example.org', name: 'Ella Early', agency: 'education', role: 'dsl' },
} as const;
type Reader = keyof typeof READERS;

let dynamo: Awaited<ReturnType<typeof startDynamoDb>>;
let ses: Awaited<ReturnType<typeof startSes>>;
let store: ReturnType<typeof stores>;
let mailer: Mailer;
const signer = new TokenSigner(randomBytes(32));

beforeAll(async () => {
  dynamo = await startDynamoDb();
  ses = await startSes();
  await ensureTables(dynamo.client);
  store = stores({ tables: localTableNames() }, dynamo.client);
  mailer = new SesMailer(new SESClient({ endpoint: ses.url, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 }));
  await store.lists().putList({ id: 'practitioners', name: 'Practitioners' });
  await store.lists().putMembers('practitioners', Object.values(READERS).map((r) => ({ ...r })));
}, 120_000);

afterAll(async () => {
  await ses?.stop();
  await dynamo?.stop();
});

const planDeps = (over: Partial<PlanDeps> = {}): PlanDeps => ({
  findings: store.findings(),
  lists: store.lists(),
  briefings: store.briefings(),
  deliveries: store.deliveries(),
  subscribers: store.subscribers(),
  suppressions: store.suppressions(),
  settings: store.settings(),
  ...over,
});

const senderDeps = (over: Partial<SendDeps> = {}): SendDeps => ({
  briefings: store.briefings(),
  deliveries: store.deliveries(),
  suppressions: store.suppressions(),
  mailer,
  signer,
  senderAddress: 'briefings@example.org',
  publicBaseUrl: 'https://briefings.example.org',
  ...over,
});

let cases = 0;

/** A finding of its own for each case (version 1, the raised version 2, and withdrawn), published to the three readers. */
async function publishedCase() {
  const n = ++cases;
  const id = `mid-send-${n}`;
  const v1 = { ...sample, id, status: 'published', version: 1, approvedBy: 'Learning and Development Group', title: `Mid-send case ${n}` };
  const v2 = { ...v1, version: 2, learning: [`${sample.learning[0]} Checked again in version two.`, ...sample.learning.slice(1)] };
  const withdrawn = { ...v1, status: 'withdrawn' };
  expect(await planBriefing(planDeps(), undefined, v1)).toMatchObject({ outcome: 'planned', recipients: 3 });
  const rowId = (who: Reader, version = 1) => `${id}#v${version}#${recipientKey(READERS[who].email)}`;
  const rowOf = async (who: Reader) => (await store.deliveries().get(rowId(who)))!;
  return { id, title: v1.title, v1, v2, withdrawn, rowOf, stream: new HandPlayedStream(id) };
}
type Case = Awaited<ReturnType<typeof publishedCase>>;

/** Each row's INSERT record reaches the sender once (a re-queued row is a new record). */
class HandPlayedStream {
  private readonly delivered = new Set<string>();
  constructor(private readonly findingId: string) {}

  taken(row: DeliveryRow) {
    this.delivered.add(`${row.deliveryId}@${row.createdAt}`);
    return row;
  }

  /** Hands every row not delivered yet to the sender, until no new one appears. */
  async drain() {
    for (;;) {
      const rows = (
        await Promise.all([`${this.findingId}#v1`, `${this.findingId}#v2`, `${this.findingId}#v3`, `${this.findingId}#withdrawn`].map((b) => store.deliveries().byBriefing(b)))
      ).flat();
      const fresh = rows.filter((row) => !this.delivered.has(`${row.deliveryId}@${row.createdAt}`));
      if (!fresh.length) return;
      for (const row of fresh) await sendDelivery(senderDeps(), this.taken(row));
    }
  }
}

/** What each reader found in their inbox about this finding, by kind and version. */
function inboxes(emails: StoredEmail[], title: string): Record<Reader, string[]> {
  const label = (subject: string) => {
    const correction = /^Correction \(version (\d+)\)/.exec(subject);
    if (correction) return `v${correction[1]} correction`;
    if (subject.startsWith('Withdrawn:')) return 'withdrawal notice';
    const reissued = /^Re-issued \(version (\d+)\)/.exec(subject);
    return reissued ? `v${reissued[1]} briefing` : 'v1 briefing';
  };
  const mine = emails.filter((e) => e.subject.endsWith(`: ${title}`));
  const of = (who: Reader) =>
    mine
      .filter((e) => e.destination.to.some((to) => to.includes(READERS[who].email)))
      .map((e) => label(e.subject))
      .sort();
  return { racer: of('racer'), waiting: of('waiting'), early: of('early') };
}

/** Old text and then the correction, or the new text in full: once each, never nothing. */
const ENDINGS_AFTER_RAISE = [['v1 briefing', 'v2 correction'], ['v2 briefing']];
/** Had it and told it was withdrawn, or never had it and told nothing. */
const ENDINGS_AFTER_WITHDRAWAL = [['v1 briefing', 'withdrawal notice'], []];

type Turn = 'planner' | 'sender';

/**
 * One race: `early` has version 1 and `waiting` is queued; then the planner raises the version
 * (or withdraws) while the sender sends `racer`'s row, taking turns in `order`. The planner's
 * turns: mark the old version stopped, read its rows, cancel the racer's queued row, write the
 * new rows (or notices). The sender's: claim, read the snapshot, record SENT, read the snapshot
 * again. `snapshotReadEarly`: the sender's invocation read the snapshot before the planner
 * started (for an earlier row of its batch), so its check uses that copy.
 */
async function race(change: 'raise' | 'withdraw', order: readonly Turn[], options: { snapshotReadEarly?: boolean } = {}) {
  const c = await publishedCase();
  await sendDelivery(senderDeps(), c.stream.taken(await c.rowOf('early')));
  const racer = c.stream.taken(await c.rowOf('racer'));
  const cache: InvocationCache = { briefings: new Map() };
  if (options.snapshotReadEarly) {
    cache.briefings.set(`${c.id}#v1`, store.briefings().get(`${c.id}#v1`));
    await cache.briefings.get(`${c.id}#v1`);
  }
  const log: string[] = [];
  const planner = new Actor('planner', log);
  const sender = new Actor('sender', log);
  planner.start((gate) =>
    planBriefing(
      planDeps({
        briefings: gated(store.briefings(), gate, { markStopped: (id: string) => (id === `${c.id}#v1` ? 'mark the old version stopped' : undefined) }),
        deliveries: gated(store.deliveries(), gate, {
          byBriefing: (id: string) => (id === `${c.id}#v1` ? "read the old version's rows" : undefined),
          cancel: (id: string) => (id === racer.deliveryId ? "cancel the racer's queued row" : undefined),
          insertMissing: () => (change === 'raise' ? 'write the new rows' : 'write the notices'),
        }),
      }),
      c.v1,
      change === 'raise' ? c.v2 : c.withdrawn,
    ),
  );
  sender.start((gate) =>
    sendDelivery(
      senderDeps({
        briefings: gated(store.briefings(), gate, { get: () => 'read the snapshot' }),
        deliveries: gated(store.deliveries(), gate, { claimMany: () => 'claim', markSentMany: () => 'record SENT' }),
      }),
      racer,
      cache,
    ),
  );
  await interleave(order.map((turn) => (turn === 'planner' ? planner : sender)));
  await c.stream.drain();
  return { c, log };
}

async function inboxesOf(c: Case) {
  return inboxes(await ses.emails(), c.title);
}

describe('a version raised while the old one is being sent', () => {
  test('the reported loss: the sender claims a row after the planner read the rows and before it cancels it; that reader gets the new version in full', async () => {
    const { c, log } = await race('raise', ['planner', 'planner', 'sender', 'planner', 'sender', 'planner']);
    expect(log.slice(0, 5)).toEqual([
      'planner: mark the old version stopped',
      "planner: read the old version's rows",
      'sender: claim',
      "planner: cancel the racer's queued row",
      'sender: read the snapshot',
    ]);
    expect(await inboxesOf(c)).toEqual({ racer: ['v2 briefing'], waiting: ['v2 briefing'], early: ['v1 briefing', 'v2 correction'] });
    const v2 = (await ses.emails()).find((e) => e.subject.startsWith('Re-issued (version 2)') && e.subject.endsWith(c.title) && e.destination.to.join().includes('racer@'));
    expect(v2!.body.text).toContain('Checked again in version two.');
  });

  test('the sender checked the snapshot just before the version went up and sends the old text: the correction follows it', async () => {
    const { c, log } = await race('raise', ['sender', 'sender', 'planner', 'planner', 'planner', 'sender', 'sender']);
    expect(log).toEqual([
      'sender: claim',
      'sender: read the snapshot',
      'planner: mark the old version stopped',
      "planner: read the old version's rows",
      'planner: write the new rows',
      'sender: record SENT',
      'sender: read the snapshot',
    ]);
    expect(await inboxesOf(c)).toEqual({ racer: ['v1 briefing', 'v2 correction'], waiting: ['v2 briefing'], early: ['v1 briefing', 'v2 correction'] });
  });

  test('the sender used its batch’s earlier copy of the snapshot and claimed the row after the planner read it: the old text, then the correction', async () => {
    const { c } = await race('raise', ['planner', 'planner', 'sender', 'planner', 'planner', 'sender', 'sender'], { snapshotReadEarly: true });
    expect(await inboxesOf(c)).toEqual({ racer: ['v1 briefing', 'v2 correction'], waiting: ['v2 briefing'], early: ['v1 briefing', 'v2 correction'] });
  });

  test('the sender dies after recording SENT, before its own follow-up: the retried stream record writes the correction', async () => {
    const c = await publishedCase();
    const racer = c.stream.taken(await c.rowOf('racer'));
    let reads = 0;
    const dies = senderDeps({
      briefings: gated(store.briefings(), async () => {
        if (++reads === 2) throw new Error('the process died');
      }, { get: () => 'read' }),
    });
    const planner = new Actor('planner');
    const sender = new Actor('sender');
    // The sender checks the old snapshot, then the version goes up, then it sends and records SENT, and dies.
    sender.start((gate) => sendDelivery({ ...dies, deliveries: gated(store.deliveries(), gate, { markSentMany: () => 'record SENT' }) }, racer));
    planner.start((gate) => planBriefing(planDeps({ briefings: gated(store.briefings(), gate, { markStopped: () => 'mark' }) }), c.v1, c.v2));
    await expect(interleave([planner, sender])).rejects.toThrow('the process died');
    expect(await store.deliveries().get(racer.deliveryId)).toMatchObject({ status: 'SENT' });

    await sendDelivery(senderDeps(), racer); // Lambda retries the batch: the claim finds it SENT.
    await c.stream.drain();
    expect(await inboxesOf(c)).toEqual({ racer: ['v1 briefing', 'v2 correction'], waiting: ['v2 briefing'], early: ['v2 briefing'] });
  });

  test('the planner and the sender write the same reader’s new row at once: it is written once, and never replaces one being sent', async () => {
    const c = await publishedCase();
    const row = { ...(await c.rowOf('racer')), deliveryId: `${c.id}#v2#${recipientKey(READERS.racer.email)}`, briefingId: `${c.id}#v2`, version: 2 };
    const written = await Promise.all([store.deliveries().insertMissing([row]), store.deliveries().insertMissing([row]), store.deliveries().insertMissing([row])]);
    expect(written.reduce((a, b) => a + b)).toBe(1);
    expect(await claimOne(store.deliveries(), row.deliveryId, row.createdAt, new Date())).toBe(true);
    expect(await store.deliveries().insertMissing([{ ...row, createdAt: new Date(Date.now() + 1000).toISOString() }])).toBe(0);
    expect(await store.deliveries().get(row.deliveryId)).toMatchObject({ status: 'SENDING', createdAt: row.createdAt });
  });
});

describe('a version raised twice', () => {
  test('version 3 comes while a reader’s correction to version 2 is still queued: one correction, listing every change since version 1', async () => {
    const c = await publishedCase();
    await sendDelivery(senderDeps(), c.stream.taken(await c.rowOf('early')));
    expect(await planBriefing(planDeps(), c.v1, c.v2)).toMatchObject({ outcome: 'planned', correction: true });
    const v3 = { ...c.v2, version: 3, background: `${c.v2.background} Updated in version three.` };
    expect(await planBriefing(planDeps(), c.v2, v3)).toMatchObject({ outcome: 'planned', correction: true });
    await c.stream.drain();

    expect(await inboxesOf(c)).toEqual({ racer: ['v3 briefing'], waiting: ['v3 briefing'], early: ['v1 briefing', 'v3 correction'] });
    const correction = (await ses.emails()).find((e) => e.subject.startsWith('Correction (version 3)') && e.subject.endsWith(c.title))!;
    // Early has version 1's text: version 2's change (learning) and version 3's (background) are both listed and given.
    const changed = /WHAT CHANGED\n([\s\S]*?)\n\n/.exec(correction.body.text ?? '')?.[1] ?? '';
    expect(changed).toContain('Background');
    expect(changed).toContain('Learning');
    expect(correction.body.text).toContain('Checked again in version two.');
    expect(correction.body.text).toContain('Updated in version three.');
  });
});

describe('a withdrawal while it is being sent', () => {
  test('the sender is sending when it is withdrawn: the notice follows the email it sent', async () => {
    const { c, log } = await race('withdraw', ['sender', 'sender', 'planner', 'planner', 'planner', 'sender', 'sender']);
    expect(log).toEqual([
      'sender: claim',
      'sender: read the snapshot',
      'planner: mark the old version stopped',
      "planner: read the old version's rows",
      'planner: write the notices',
      'sender: record SENT',
      'sender: read the snapshot',
    ]);
    expect(await inboxesOf(c)).toEqual({ racer: ['v1 briefing', 'withdrawal notice'], waiting: [], early: ['v1 briefing', 'withdrawal notice'] });
  });

  test('the sender holds a row it has not checked yet: it cancels it, and that reader, who got nothing, hears nothing', async () => {
    const { c, log } = await race('withdraw', ['sender', 'planner', 'planner', 'planner', 'sender']);
    expect(log).toEqual(['sender: claim', 'planner: mark the old version stopped', "planner: read the old version's rows", 'planner: write the notices', 'sender: read the snapshot']);
    expect(await inboxesOf(c)).toEqual({ racer: [], waiting: [], early: ['v1 briefing', 'withdrawal notice'] });
  });

  test.each([
    ['re-driven after the withdrawal', 'withdraw first'],
    ['re-driven before it, and still queued when it comes', 'sweep first'],
  ] as const)('a row left SENDING by a crash (SES may have had it), %s: its reader gets the notice', async (_, first) => {
    const c = await publishedCase();
    const racer = c.stream.taken(await c.rowOf('racer'));
    const crashes = senderDeps({
      deliveries: gated(store.deliveries(), async () => {
        throw new Error('the process died after SES accepted the message');
      }, { markSentMany: () => 'record SENT' }),
    });
    await expect(sendDelivery(crashes, racer)).rejects.toThrow('the process died');
    // The sweeper re-drives it ten minutes on (once); the withdrawal comes before or after that.
    const redrive = () => sweep(store.deliveries(), new Date(Date.now() + SWEEP_LIMITS.sendingAfterMs + 60_000));
    if (first === 'sweep first') await redrive();
    expect(await planBriefing(planDeps(), c.v1, c.withdrawn)).toMatchObject({ outcome: 'withdrawn' });
    if (first === 'withdraw first') await redrive();
    await c.stream.drain();
    expect(await inboxesOf(c)).toEqual({ racer: ['v1 briefing', 'withdrawal notice'], waiting: [], early: [] });
  });
});

describe('every order of one send against the change', () => {
  // Planner: mark, read, cancel, write. Sender: claim, check, SENT, check again (three turns when its check uses an earlier copy).
  const orders = [
    ...everyOrder<Turn>('planner', 4, 'sender', 4).map((order) => ({ order, snapshotReadEarly: false })),
    ...everyOrder<Turn>('planner', 4, 'sender', 3).map((order) => ({ order, snapshotReadEarly: true })),
  ];

  /** Runs every order, a few at a time (each on its own finding), and lists the orders whose readers did not end as allowed. */
  async function everyRace(change: 'raise' | 'withdraw', allowed: { racer: string[][]; waiting: string[]; early: string[] }) {
    const wrong: string[] = [];
    const endings = new Set<string>();
    for (let i = 0; i < orders.length; i += 8) {
      const group = await Promise.all(orders.slice(i, i + 8).map(({ order, snapshotReadEarly }) => race(change, order, { snapshotReadEarly })));
      const emails = await ses.emails();
      for (const { c, log } of group) {
        const got = inboxes(emails, c.title);
        endings.add(JSON.stringify(got.racer));
        const ok = allowed.racer.some((e) => JSON.stringify(e) === JSON.stringify(got.racer)) &&
          JSON.stringify(got.waiting) === JSON.stringify(allowed.waiting) && JSON.stringify(got.early) === JSON.stringify(allowed.early);
        if (!ok) wrong.push(`${log.join(' → ')}\n   racer ${JSON.stringify(got.racer)}, waiting ${JSON.stringify(got.waiting)}, early ${JSON.stringify(got.early)}`);
      }
      await ses.clear();
    }
    return { wrong, endings };
  }

  test(`a version raised at any point of a send (${orders.length} orders): everyone ends with the old text and one correction, or the new text once`, async () => {
    const { wrong, endings } = await everyRace('raise', { racer: ENDINGS_AFTER_RAISE, waiting: ['v2 briefing'], early: ['v1 briefing', 'v2 correction'] });
    expect(wrong).toEqual([]);
    // Both endings happen: the races really were run both ways.
    expect([...endings].sort()).toEqual(ENDINGS_AFTER_RAISE.map((e) => JSON.stringify(e)).sort());
  }, 240_000);

  test(`a withdrawal at any point of a send (${orders.length} orders): whoever got it is told once, and nobody who got nothing`, async () => {
    const { wrong, endings } = await everyRace('withdraw', { racer: ENDINGS_AFTER_WITHDRAWAL, waiting: [], early: ['v1 briefing', 'withdrawal notice'] });
    expect(wrong).toEqual([]);
    expect([...endings].sort()).toEqual(ENDINGS_AFTER_WITHDRAWAL.map((e) => JSON.stringify(e)).sort());
  }, 240_000);
});
