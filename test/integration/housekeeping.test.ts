import { randomBytes } from 'node:crypto';
import { SESClient } from '@aws-sdk/client-ses';
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDb, startSes } from '../../infra/local/emulators';
import { ensureTables, localTableNames } from '../../infra/local/tables';
import { publishedSeed, snapshotOf } from '../support/findings';
import { DynamoBriefingStore } from '../../shared/adapters/dynamo/briefing-store';
import { DynamoDeliveryStore } from '../../shared/adapters/dynamo/delivery-store';
import { documentClient } from '../../shared/adapters/dynamo/kit';
import { DynamoSuppressionStore } from '../../shared/adapters/dynamo/suppression-store';
import { SesMailer } from '../../shared/adapters/ses-mailer';
import { recipientKey } from '../../shared/core/audience';
import { pendingDelivery } from '../../shared/core/delivery';
import { computeDissemination } from '../../shared/render/report/compute';
import { TokenSigner } from '../../shared/core/tokens';
import { housekeeping, type HousekeepingDeps } from '../../shared/flows/housekeeping/housekeeping';
import { claimOne } from '../support/ledger';

/** Reminders and retention against DynamoDB Local and the SES emulator, with the clock moved on by hand. */

const tables = localTableNames();
const DAY = 86_400_000;
let dynamo: Awaited<ReturnType<typeof startDynamoDb>>;
let ses: Awaited<ReturnType<typeof startSes>>;
let db: DynamoDBDocumentClient;
let deliveries: DynamoDeliveryStore;
let briefings: DynamoBriefingStore;
let suppressions: DynamoSuppressionStore;

const finding = publishedSeed('nr-it-was-hard-to-escape-2020');
const issuedAt = new Date('2026-01-05T09:00:00Z');
const PEOPLE = ['read.it', 'not.yet', 'stopped.mail', 'also.waiting'].map((local, i) => ({
  email: `${local}@example.org`,
  name: `Person ${i}`,
  agency: (['police', 'health', 'csc', 'education'] as const)[i]!,
  role: 'frontline' as const,
  via: ['test'],
}));

const deps = (now: Date, overrides: Partial<HousekeepingDeps> = {}): HousekeepingDeps => ({
  briefings,
  deliveries,
  suppressions,
  mailer: new SesMailer(new SESClient({ endpoint: ses.url, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 })),
  signer: new TokenSigner(randomBytes(32)),
  senderAddress: 'briefings@example.org',
  publicBaseUrl: 'https://briefings.example.org',
  reminderAfterDays: 7,
  retentionDays: 730,
  timeZone: 'Europe/London',
  now: () => now,
  ...overrides,
});
const remindersTo = async (address: string) => (await ses.emails()).filter((e) => e.subject.startsWith('Reminder') && e.destination.to.join().includes(address));
const ledger = async () => ((await db.send(new ScanCommand({ TableName: tables.deliveries }))).Items ?? []) as Record<string, unknown>[];

beforeAll(async () => {
  dynamo = await startDynamoDb();
  ses = await startSes();
  await ensureTables(dynamo.client);
  db = documentClient(dynamo.client);
  deliveries = new DynamoDeliveryStore(db, tables.deliveries);
  briefings = new DynamoBriefingStore(db, tables.briefings);
  suppressions = new DynamoSuppressionStore(db, tables.suppressions);
  await briefings.putIfAbsent(snapshotOf(finding, issuedAt, 4));
  const rows = PEOPLE.map((p) => pendingDelivery(finding.id, 1, p, issuedAt));
  await deliveries.insertMissing(rows);
  for (const row of rows) {
    await claimOne(deliveries, row.deliveryId, row.createdAt, issuedAt);
    await deliveries.markSent(row.deliveryId, `ses-${row.recipientKey}`, issuedAt);
  }
  await deliveries.acknowledge(rows[0]!.deliveryId, new Date(issuedAt.getTime() + 2 * DAY));
  await suppressions.put({ recipientKey: recipientKey('stopped.mail@example.org'), reason: 'unsubscribed', at: issuedAt.toISOString() });
}, 120_000);

afterAll(async () => {
  await ses?.stop();
  await dynamo?.stop();
});

test('no reminder before the configured days, and none at all when reminders are off', async () => {
  expect(await housekeeping(deps(new Date(issuedAt.getTime() + 6 * DAY)))).toMatchObject({ reminded: 0 });
  expect(await housekeeping(deps(new Date(issuedAt.getTime() + 8 * DAY), { reminderAfterDays: 0 }))).toMatchObject({ reminded: 0 });
  expect((await ses.emails()).length).toBe(0);
});

test('after N days, one reminder to each person who has not acknowledged; never to the suppressed or to those who did', async () => {
  const later = new Date(issuedAt.getTime() + 8 * DAY);
  expect(await housekeeping(deps(later))).toMatchObject({ reminded: 2, remindersFailed: 0 });
  expect(await remindersTo('not.yet@example.org')).toHaveLength(1);
  expect(await remindersTo('also.waiting@example.org')).toHaveLength(1);
  expect(await remindersTo('read.it@example.org')).toHaveLength(0);
  expect(await remindersTo('stopped.mail@example.org')).toHaveLength(0);
  const [reminder] = await remindersTo('not.yet@example.org');
  expect(reminder!.body.text).toContain('/acknowledge?t=');
  expect(reminder!.body.text).toContain('only reminder');

  // Run again (an hour later, or the same run repeated): still one each.
  expect(await housekeeping(deps(new Date(later.getTime() + 3_600_000)))).toMatchObject({ reminded: 0 });
  expect(await remindersTo('not.yet@example.org')).toHaveLength(1);
});

test('after the retention period the addresses and names are gone, and the report counts remain', async () => {
  const before = await ledger();
  const afterRetention = new Date(issuedAt.getTime() + 731 * DAY);
  const result = await housekeeping(deps(afterRetention));
  expect(result).toMatchObject({ briefingsPseudonymised: 1, rowsPseudonymised: 4 });

  const after = await ledger();
  expect(after).toHaveLength(before.length);
  const everything = JSON.stringify(after);
  for (const person of PEOPLE) {
    expect(everything).not.toContain(person.email);
    expect(everything).not.toContain(person.name);
  }
  expect(after.every((row) => row.email === 'removed' && row.personalDataRemovedAt)).toBe(true);

  const report = computeDissemination({
    briefings: [{ briefingId: `${finding.id}#v1`, findingId: finding.id, version: 1, title: finding.title, plannedAt: issuedAt.toISOString() }],
    deliveries: (await deliveries.byBriefing(`${finding.id}#v1`)).map((row) => ({ ...row, agency: row.ackAgency ?? row.agency, role: row.ackRole ?? row.role })),
    responses: [],
    description: 'retention check',
    now: afterRetention,
  });
  expect(report.total).toMatchObject({ recipients: 4, sent: 4, acknowledged: 1 });
  expect(report.byAgency.find((f) => f.key === 'police')).toMatchObject({ acknowledged: 1 });

  // A second run finds nothing left to do.
  expect(await housekeeping(deps(new Date(afterRetention.getTime() + DAY)))).toMatchObject({ briefingsPseudonymised: 0, rowsPseudonymised: 0 });
});
