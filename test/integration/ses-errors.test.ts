import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  AccountSendingPausedException,
  ConfigurationSetDoesNotExistException,
  ConfigurationSetSendingPausedException,
  MailFromDomainNotVerifiedException,
  MessageRejected,
  SESClient,
  SESServiceException,
  SendRawEmailCommand,
} from '@aws-sdk/client-ses';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { simpleParser } from 'mailparser';
import { startDynamoDb } from '../../infra/local/emulators';
import { loadHandler, pointEnvironmentAt } from '../../infra/local/pipeline';
import { ensureTables, localTableNames } from '../../infra/local/tables';
import { ensureLocalTokenKey } from '../../shared/adapters/token-key';
import { DynamoBriefingStore } from '../../shared/adapters/dynamo/briefing-store';
import { DynamoDeliveryStore } from '../../shared/adapters/dynamo/delivery-store';
import { documentClient } from '../../shared/adapters/dynamo/kit';
import { DynamoSuppressionStore } from '../../shared/adapters/dynamo/suppression-store';
import { SesMailer } from '../../shared/adapters/ses-mailer';
import { pendingDelivery, type DeliveryRow } from '../../shared/core/delivery';
import { SendError, type SetupProblem } from '../../shared/core/ses-errors';
import { TokenSigner } from '../../shared/core/tokens';
import { sendDelivery, TransientSendError, type SendDeps } from '../../shared/flows/send/send-briefing';
import { SES_SETUP_LOG_MESSAGE } from '../../shared/flows/send/ses-setup';
import { publishedSeed, snapshotOf } from '../support/findings';

/**
 * Each error SES SendRawEmail can return, and what happens to the row. The SES emulator accepts
 * everything, so none of these can come from it: the SES client is mocked (aws-sdk-client-mock),
 * the ledger is real DynamoDB Local. Each error is built as the AWS SDK builds it from SES's
 * answer: the modelled exception class for the errors the SendRawEmail API reference lists, an
 * SESServiceException named by the error code for the common errors (Throttling, AccessDenied,
 * InvalidParameterValue). Messages are SES's own where AWS documents them (the sending-errors and
 * quota-errors pages); otherwise the API reference's description of the error, and the test says so.
 *
 * A per-message rejection is FAILED with the reason. An account or set-up problem hands the row
 * back (PENDING: nothing lost), and the sender's handler logs it (no address), which the stack's
 * alarm counts, and emails the admin what to fix, once a day per problem.
 */

const tables = localTableNames();
let dynamo: Awaited<ReturnType<typeof startDynamoDb>>;
let db: DynamoDBDocumentClient;
const sesMock = mockClient(SESClient);
const finding = publishedSeed('nr-out-of-routine-2020');
const SENDER = 'briefings@example.org';
const ADMIN = 'safeguarding-admin@example.org';

beforeAll(async () => {
  dynamo = await startDynamoDb();
  await ensureTables(dynamo.client);
  db = documentClient(dynamo.client);
  await new DynamoBriefingStore(db, tables.briefings).putIfAbsent(snapshotOf(finding, new Date(), 3));
}, 120_000);

afterAll(async () => {
  sesMock.restore();
  await dynamo?.stop();
});

beforeEach(() => sesMock.reset());

const meta = { httpStatusCode: 400, requestId: 'b7a2c3d4-0000-4000-8000-000000000000', attempts: 1, totalRetryDelay: 0 };
/** A modelled SendRawEmail error, as the SDK deserialises it. */
const modelled = <T>(Exception: new (opts: { message: string; $metadata: typeof meta }) => T, message: string) => new Exception({ message, $metadata: meta });
/** A common error (no class of its own): the SDK names an SESServiceException by the error code. */
const common = (code: string, message: string, httpStatusCode = 400) =>
  new SESServiceException({ name: code, $fault: 'client', message, $metadata: { ...meta, httpStatusCode } });

const pauses: number[] = [];
beforeEach(() => pauses.splice(0));
function deps(): SendDeps {
  return {
    briefings: new DynamoBriefingStore(db, tables.briefings),
    deliveries: new DynamoDeliveryStore(db, tables.deliveries),
    suppressions: new DynamoSuppressionStore(db, tables.suppressions),
    mailer: new SesMailer(new SESClient({ region: 'eu-west-2' }), 'briefings-events', { attempts: 4, baseDelayMs: 250, pause: async (ms) => void pauses.push(ms) }),
    signer: new TokenSigner(randomBytes(32)),
    senderAddress: SENDER,
    publicBaseUrl: 'https://briefings.example.org',
  };
}

let rows = 0;
async function pendingRow(): Promise<DeliveryRow> {
  const row = pendingDelivery(finding.id, 1, { email: `reader.${++rows}@example.org`, name: 'Test Reader', agency: 'health', role: 'frontline', via: ['test'] }, new Date());
  await new DynamoDeliveryStore(db, tables.deliveries).insertMissing([row]);
  return row;
}
const stored = async (deliveryId: string) =>
  (await db.send(new GetCommand({ TableName: tables.deliveries, Key: { deliveryId } }))).Item as Record<string, unknown>;
const sesCalls = () => sesMock.commandCalls(SendRawEmailCommand).length;

/** Sends one row into the mocked error; the row must be FAILED with the reason, and nothing thrown. */
async function expectFailed(error: Error) {
  const row = await pendingRow();
  sesMock.on(SendRawEmailCommand).rejects(error);
  await expect(sendDelivery(deps(), row)).resolves.toMatchObject({ outcome: 'failed', reason: expect.stringContaining(error.name) });
  expect(await stored(row.deliveryId)).toMatchObject({ status: 'FAILED', reason: expect.stringContaining(error.message) });
  expect(sesCalls()).toBe(1);
}

/** Sends one row into the mocked error; the row must be handed back (PENDING), with the set-up problem named. */
async function expectHandedBack(error: Error, problem: SetupProblem | undefined, attempts = 1) {
  const row = await pendingRow();
  sesMock.reset();
  sesMock.on(SendRawEmailCommand).rejects(error);
  const thrown = await sendDelivery(deps(), row).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(thrown).toBeInstanceOf(TransientSendError);
  const cause = (thrown as TransientSendError).cause;
  expect(cause).toBeInstanceOf(SendError);
  expect((cause as SendError).problem).toBe(problem);
  expect(await stored(row.deliveryId)).toMatchObject({ status: 'PENDING', lastError: expect.stringContaining(error.name) });
  expect(sesCalls()).toBe(attempts);
  // Once the cause is fixed, the retried record sends it.
  sesMock.reset();
  sesMock.on(SendRawEmailCommand).resolves({ MessageId: 'after-the-fix' });
  await expect(sendDelivery(deps(), row)).resolves.toEqual({ outcome: 'sent', messageId: 'after-the-fix' });
}

describe('per-message rejections are FAILED with the reason (mocked SES: the emulator cannot produce them)', () => {
  test('MessageRejected for the message itself (the API reference: SES rejected it, e.g. for a virus; wording not documented)', async () => {
    await expectFailed(modelled(MessageRejected, 'Message rejected: the message content was rejected.'));
  });

  test("InvalidParameterValue for an address SES refuses: \"Missing final '@domain'\" (the sending-errors page)", async () => {
    await expectFailed(common('InvalidParameterValue', "Missing final '@domain'"));
  });

  test('InvalidParameterValue "Local address contains control or whitespace" (the sending-errors page)', async () => {
    await expectFailed(common('InvalidParameterValue', 'Local address contains control or whitespace'));
  });
});

describe('account and set-up problems hand the row back, naming what to fix (mocked SES)', () => {
  test('MessageRejected "Email address is not verified" listing the sender: an unverified sender identity', async () => {
    await expectHandedBack(
      modelled(MessageRejected, `Email address is not verified. The following identities failed the check in region EU-WEST-2: ${SENDER}`),
      'sender-not-verified',
    );
  });

  test('MessageRejected "Email address is not verified" listing the sender\'s domain, or the sender with a display name', async () => {
    await expectHandedBack(modelled(MessageRejected, 'Email address is not verified. The following identities failed the check in region EU-WEST-2: example.org'), 'sender-not-verified');
    await expectHandedBack(
      modelled(MessageRejected, `Email address is not verified. The following identities failed the check in region EU-WEST-2: Safeguarding Briefings <${SENDER}>, ${SENDER}`),
      'sender-not-verified',
    );
  });

  test('MessageRejected "Email address is not verified" listing only the recipient: the SES sandbox', async () => {
    await expectHandedBack(
      modelled(MessageRejected, 'Email address is not verified. The following identities failed the check in region EU-WEST-2: reader.x@example.net'),
      'recipient-not-verified',
    );
  });

  test('MessageRejected "Email address is not verified" with the list cut off ("..."), or none: the sender or a sandbox recipient', async () => {
    await expectHandedBack(
      modelled(MessageRejected, 'Email address is not verified. The following identities failed the check in region EU-WEST-2: a@example.net, b@example.net, c@example.net...'),
      'identity-not-verified',
    );
    await expectHandedBack(modelled(MessageRejected, 'Email address is not verified.'), 'identity-not-verified');
  });

  test('MessageRejected "Sending suspended for this account": sending paused for the account', async () => {
    await expectHandedBack(
      modelled(MessageRejected, 'Sending suspended for this account. For more information, please check the inbox of the email address associated with your AWS account.'),
      'account-paused',
    );
  });

  test('MailFromDomainNotVerifiedException (message: the API reference description)', async () => {
    await expectHandedBack(
      modelled(MailFromDomainNotVerifiedException, 'Indicates that the message could not be sent because Amazon SES could not read the MX record required to use the specified MAIL FROM domain.'),
      'mail-from-domain-not-verified',
    );
  });

  test('ConfigurationSetDoesNotExist (SDK: ConfigurationSetDoesNotExistException)', async () => {
    await expectHandedBack(modelled(ConfigurationSetDoesNotExistException, 'Configuration set <briefings-events> does not exist.'), 'configuration-set-missing');
  });

  test('ConfigurationSetSendingPausedException (message: the API reference description)', async () => {
    await expectHandedBack(
      modelled(ConfigurationSetSendingPausedException, 'Indicates that email sending is disabled for the configuration set.'),
      'configuration-set-paused',
    );
  });

  test('AccountSendingPausedException (message: the API reference description)', async () => {
    await expectHandedBack(
      modelled(AccountSendingPausedException, 'Indicates that email sending is disabled for your entire Amazon SES account.'),
      'account-paused',
    );
  });

  test('AccessDenied (the Query API\'s IAM error) and AccessDeniedException (the SES common error)', async () => {
    await expectHandedBack(
      common(
        'AccessDenied',
        `User: arn:aws:sts::123456789012:assumed-role/send-briefing-role/send-briefing is not authorized to perform: ses:SendRawEmail on resource: arn:aws:ses:eu-west-2:123456789012:identity/${SENDER}`,
        403,
      ),
      'access-denied',
    );
    await expectHandedBack(common('AccessDeniedException', 'You do not have sufficient access to perform this action.'), 'access-denied');
  });

  test('Throttling "Daily message quota exceeded" (the quota-errors page): no back-off, handed back at once, a set-up problem', async () => {
    await expectHandedBack(common('Throttling', 'Daily message quota exceeded.'), 'daily-quota-exceeded', 1);
    expect(pauses).toEqual([]);
  });
});

describe('throttling and network faults hand the row back, with no set-up problem (mocked SES)', () => {
  test('Throttling "Maximum sending rate exceeded" (the quota-errors page): backed off 4 times, then handed back', async () => {
    await expectHandedBack(common('Throttling', 'Maximum sending rate exceeded.'), undefined, 4);
    expect(pauses).toHaveLength(3);
  });

  test('a network fault (connection reset) and a timeout', async () => {
    await expectHandedBack(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), undefined);
    await expectHandedBack(Object.assign(new Error('Connection timed out after 3000 ms'), { name: 'TimeoutError' }), undefined);
  });

  test('an SES server error (InternalFailure, 500)', async () => {
    await expectHandedBack(new SESServiceException({ name: 'InternalFailure', $fault: 'server', message: 'An internal error occurred.', $metadata: { ...meta, httpStatusCode: 500 } }), undefined);
  });
});

describe('the send-briefing handler tells of a set-up problem: a log line, and the admin once (mocked SES)', () => {
  let handler: (event: DynamoDBStreamEvent) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;
  const logged: string[] = [];
  let capture: jest.SpyInstance[] = [];

  beforeAll(async () => {
    pointEnvironmentAt(dynamo.url, 'http://127.0.0.1:9', {
      senderAddress: SENDER,
      tokenKeyFile: ensureLocalTokenKey(join(mkdtempSync(join(tmpdir(), 'ses-errors-')), 'token-key')),
    });
    process.env.ADMIN_EMAIL = ADMIN;
    handler = await loadHandler('send-briefing');
  });
  beforeEach(() => {
    logged.splice(0);
    const keep = (chunk: unknown) => {
      logged.push(String(chunk));
      return true;
    };
    capture = [jest.spyOn(process.stdout, 'write').mockImplementation(keep), jest.spyOn(process.stderr, 'write').mockImplementation(keep)];
  });
  afterEach(() => capture.forEach((spy) => spy.mockRestore()));

  const streamEvent = (row: DeliveryRow): DynamoDBStreamEvent => ({
    Records: [
      {
        eventID: `event-${row.deliveryId.slice(-8)}`,
        eventName: 'INSERT',
        eventSource: 'aws:dynamodb',
        dynamodb: {
          Keys: { deliveryId: { S: row.deliveryId } },
          NewImage: marshall(row, { removeUndefinedValues: true }) as never,
          SequenceNumber: String(Date.now()),
          StreamViewType: 'NEW_IMAGE',
        },
      },
    ],
  });
  const rawTo = (call: number) => Buffer.from(sesMock.commandCalls(SendRawEmailCommand)[call]!.args[0].input.RawMessage!.Data!).toString('utf8');
  const linesWith = (text: string) => logged.filter((line) => line.includes(text));

  test('ConfigurationSetSendingPaused: the row goes back, the log line names the problem and fix without an address, the admin is emailed once', async () => {
    const paused = modelled(ConfigurationSetSendingPausedException, 'Indicates that email sending is disabled for the configuration set.');
    // Sending to readers is paused; the notice to the admin goes (as when only briefings' set is paused).
    sesMock.on(SendRawEmailCommand).callsFake((input: { RawMessage: { Data: Uint8Array } }) => {
      if (Buffer.from(input.RawMessage.Data).toString('utf8').includes(`To: ${ADMIN}`)) return Promise.resolve({ MessageId: 'notice-1' });
      return Promise.reject(paused);
    });

    const first = await pendingRow();
    const second = await pendingRow();
    const result = await handler(streamEvent(first));
    expect(result.batchItemFailures).toHaveLength(1);
    expect(await handler(streamEvent(second))).toMatchObject({ batchItemFailures: [{ itemIdentifier: expect.any(String) }] });
    expect(await stored(first.deliveryId)).toMatchObject({ status: 'PENDING' });
    expect(await stored(second.deliveryId)).toMatchObject({ status: 'PENDING' });

    const problemLines = linesWith(SES_SETUP_LOG_MESSAGE).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(problemLines).toHaveLength(2);
    expect(problemLines[0]).toMatchObject({ level: 'ERROR', message: SES_SETUP_LOG_MESSAGE, problem: 'configuration-set-paused', sesError: 'ConfigurationSetSendingPausedException', fix: expect.stringContaining('configuration set') });
    expect(logged.join('\n')).not.toMatch(/@/);

    // Two failing rows, one notice: the SES calls were row 1, the notice, row 2.
    const notices = sesMock.commandCalls(SendRawEmailCommand).map((_, i) => rawTo(i)).filter((raw) => raw.includes(`To: ${ADMIN}`));
    expect(notices).toHaveLength(1);
    const notice = await simpleParser(notices[0]!);
    expect(notice.subject).toBe('Briefings are waiting: SES cannot send until its set-up is fixed');
    expect(notice.text).toContain('Turn sending back on for the configuration set');
    expect(notice.text).toContain('ConfigurationSetSendingPausedException');
    expect(notice.text).not.toContain(first.email);
    const mark = await db.send(new GetCommand({ TableName: tables.rateLimits, Key: { limitKey: `ses-setup-notice#configuration-set-paused#${Math.floor(Date.now() / 86_400_000) * 86_400}` } }));
    expect(mark.Item).toMatchObject({ hits: 1 });
  });

  test('AccountSendingPaused: the notice fails too; that is logged, and the row is still handed back', async () => {
    sesMock.on(SendRawEmailCommand).rejects(modelled(AccountSendingPausedException, 'Indicates that email sending is disabled for your entire Amazon SES account.'));
    const row = await pendingRow();
    const result = await handler(streamEvent(row));
    expect(result.batchItemFailures).toHaveLength(1);
    expect(await stored(row.deliveryId)).toMatchObject({ status: 'PENDING' });
    expect(linesWith(SES_SETUP_LOG_MESSAGE).map((line) => JSON.parse(line))).toEqual([expect.objectContaining({ problem: 'account-paused' })]);
    expect(linesWith('SES set-up notice could not be sent').map((line) => JSON.parse(line))).toEqual([expect.objectContaining({ problem: 'account-paused', error: 'SendError' })]);
    // The row's send, then the notice's.
    expect(sesCalls()).toBe(2);
    expect(logged.join('\n')).not.toMatch(/@/);
  });

  test('a per-message rejection is FAILED and tells nobody', async () => {
    sesMock.on(SendRawEmailCommand).rejects(common('InvalidParameterValue', "Missing final '@domain'"));
    const row = await pendingRow();
    expect(await handler(streamEvent(row))).toEqual({ batchItemFailures: [] });
    expect(await stored(row.deliveryId)).toMatchObject({ status: 'FAILED' });
    expect(linesWith(SES_SETUP_LOG_MESSAGE)).toEqual([]);
    expect(sesCalls()).toBe(1);
  });
});
