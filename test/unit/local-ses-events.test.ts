import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SNSEvent } from 'aws-lambda';
import { FUNCTIONS } from '../../shared/contract/functions';
import type { AcceptedEmail } from '../../infra/local/emulators';
import { SesEventPublisher, sesNotificationsFor, simulatorFate, snsEventFor, type SesNotification } from '../../infra/local/ses-events';
import { composeBriefingMime } from '../../shared/render/email/mime';
import { parseSesNotification, parseSnsMessage } from '../../shared/core/ses-event';

/**
 * What the local runner publishes for each message the SES emulator accepts: the notifications
 * AWS's event publishing would send through the configuration set, in AWS's documented shapes
 * (test/fixtures/ses-events/ are AWS's examples), following SES's mailbox simulator.
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const fixture = (name: string) => JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'ses-events', `${name}.json`), 'utf8')) as Json;
const DELIVERY_ID = 'nr-example-2021#v1#0123456789abcdef01234567';
const EVENTS = (FUNCTIONS['ses-events'].trigger as { events: readonly string[] }).events;

async function accepted(to: string, options: { destinations?: string[]; messageId?: string } = {}): Promise<AcceptedEmail> {
  const raw = await composeBriefingMime({
    from: 'briefings@example.org',
    to: { name: 'A Reader', email: to },
    rendered: { subject: 'Learning briefing: a test', html: '<p>Hello</p>', text: 'Hello\n' },
    unsubscribeUrl: 'https://briefings.example.org/unsubscribe?t=abc',
    headers: { 'X-Briefing-Id': 'nr-example-2021#v1', 'X-Delivery-Id': DELIVERY_ID },
  });
  return { messageId: options.messageId ?? 'ses-123456789', raw, destinations: options.destinations ?? [], at: new Date('2026-03-02T09:00:00.000Z') };
}
const types = (notifications: SesNotification[]) => notifications.map((n) => n.eventType);
const keys = (value: unknown) => Object.keys(value as object).sort();

describe('the mailbox simulator, as AWS documents it', () => {
  test.each([
    ['bounce@simulator.amazonses.com', 'bounced'],
    ['Bounce+list-a@Simulator.AmazonSES.com', 'bounced'],
    ['suppressionlist@simulator.amazonses.com', 'suppressed'],
    ['complaint+label@simulator.amazonses.com', 'complained'],
    ['ooto@simulator.amazonses.com', 'delivered'],
    ['success@simulator.amazonses.com', 'delivered'],
    ['reader@example.org', 'delivered'],
    ['bounce@example.org', 'delivered'],
  ])('%s is %s', (address, fate) => {
    expect(simulatorFate(address)).toBe(fate);
  });
});

describe('the notifications for one accepted message', () => {
  test('an ordinary address: Send, then Delivery, each in the documented shape, carrying X-Delivery-Id', async () => {
    const notifications = await sesNotificationsFor(await accepted('reader@example.org'));
    expect(types(notifications)).toEqual(['Send', 'Delivery']);
    const [send, delivery] = notifications as Json[];
    expect(send!.send).toEqual({});
    // The same fields as AWS's Delivery example, at each level.
    const documented = fixture('delivery');
    expect(keys(delivery)).toEqual(keys(documented));
    expect(keys(delivery!.mail)).toEqual(keys(documented.mail));
    expect(keys(delivery!.mail.commonHeaders).filter((k) => k !== 'date')).toEqual(keys(documented.mail.commonHeaders));
    expect(keys(delivery!.delivery)).toEqual(keys(documented.delivery));
    expect(delivery!.mail).toMatchObject({ messageId: 'ses-123456789', source: 'briefings@example.org', destination: ['reader@example.org'], headersTruncated: false });
    expect(delivery!.mail.headers).toContainEqual({ name: expect.stringMatching(/^X-Delivery-Id$/i), value: DELIVERY_ID });
    expect(delivery!.mail.headers).toContainEqual({ name: 'Subject', value: 'Learning briefing: a test' });
    // The product's own parser reads it as AWS's.
    expect(parseSesNotification(delivery)).toEqual({
      ok: true,
      event: { kind: 'delivered', messageId: 'ses-123456789', deliveryId: DELIVERY_ID, at: '2026-03-02T09:00:00.300Z', recipients: ['reader@example.org'] },
    });
    expect(parseSesNotification(send)).toMatchObject({ ok: false, ignored: true });
  });

  test('bounce@ (with a label): Send and a permanent Bounce, no Delivery; the documented bounce shape', async () => {
    const notifications = await sesNotificationsFor(await accepted('bounce+label@simulator.amazonses.com'));
    expect(types(notifications)).toEqual(['Send', 'Bounce']);
    const bounce = notifications[1] as Json;
    const documented = fixture('bounce-permanent');
    expect(keys(bounce)).toEqual(keys(documented));
    expect(keys(bounce.bounce)).toEqual(keys(documented.bounce));
    expect(keys(bounce.bounce.bouncedRecipients[0])).toEqual(keys(documented.bounce.bouncedRecipients[0]));
    expect(parseSesNotification(bounce)).toEqual({
      ok: true,
      event: {
        kind: 'bounced', permanent: true, subType: 'General', messageId: 'ses-123456789', deliveryId: DELIVERY_ID,
        at: '2026-03-02T09:00:00.300Z', recipients: ['bounce+label@simulator.amazonses.com'],
      },
    });
  });

  test('suppressionlist@: a permanent Bounce of subtype Suppressed, no Delivery', async () => {
    const notifications = await sesNotificationsFor(await accepted('suppressionlist@simulator.amazonses.com'));
    expect(types(notifications)).toEqual(['Send', 'Bounce']);
    expect(parseSesNotification(notifications[1])).toMatchObject({ ok: true, event: { kind: 'bounced', permanent: true, subType: 'Suppressed' } });
  });

  test('complaint@: Delivery, then a Complaint in the documented shape', async () => {
    const notifications = await sesNotificationsFor(await accepted('complaint@simulator.amazonses.com'));
    expect(types(notifications)).toEqual(['Send', 'Delivery', 'Complaint']);
    const complaint = notifications[2] as Json;
    const documented = fixture('complaint');
    expect(keys(complaint)).toEqual(keys(documented));
    expect(keys(complaint.complaint)).toEqual(keys(documented.complaint));
    expect(parseSesNotification(complaint)).toMatchObject({
      ok: true,
      event: { kind: 'complained', deliveryId: DELIVERY_ID, recipients: ['complaint@simulator.amazonses.com'], feedbackType: 'abuse' },
    });
  });

  test('ooto@: Delivery only (the automatic reply goes to the Return-Path, not to the event topic)', async () => {
    expect(types(await sesNotificationsFor(await accepted('ooto@simulator.amazonses.com')))).toEqual(['Send', 'Delivery']);
  });

  test("SendRawEmail's Destinations, when given, are the recipients: one Delivery for those delivered, one Bounce for the bounce", async () => {
    const email = await accepted('reader@example.org', { destinations: ['reader@example.org', 'bounce@simulator.amazonses.com'] });
    const notifications = (await sesNotificationsFor(email)) as Json[];
    expect(types(notifications as SesNotification[])).toEqual(['Send', 'Delivery', 'Bounce']);
    expect(notifications[1]!.delivery.recipients).toEqual(['reader@example.org']);
    expect(notifications[2]!.bounce.bouncedRecipients.map((r: Json) => r.emailAddress)).toEqual(['bounce@simulator.amazonses.com']);
    expect(notifications[0]!.mail.destination).toEqual(['reader@example.org', 'bounce@simulator.amazonses.com']);
  });

  test('the SNS envelope has the fields Lambda receives from SNS, and carries the notification as its Message', async () => {
    const [, delivery] = await sesNotificationsFor(await accepted('reader@example.org'));
    const event = snsEventFor(delivery!);
    const documented = fixture('sns-envelope');
    expect(event.Records).toHaveLength(1);
    expect(keys(event.Records[0])).toEqual(keys(documented.Records[0]));
    expect(keys(event.Records[0]!.Sns)).toEqual(keys(documented.Records[0].Sns));
    expect(event.Records[0]).toMatchObject({ EventSource: 'aws:sns', EventVersion: '1.0', Sns: { Type: 'Notification', Subject: null, MessageAttributes: {} } });
    expect(parseSnsMessage(event.Records[0]!.Sns.Message)).toMatchObject({ ok: true, event: { kind: 'delivered', deliveryId: DELIVERY_ID } });
  });
});

describe('the publisher: the configuration set, SNS and Lambda in between', () => {
  const received = () => {
    const events: SNSEvent[] = [];
    const handler = async (event: SNSEvent) => void events.push(event);
    const typesOf = () => events.map((e) => (JSON.parse(e.Records[0]!.Sns.Message) as Json).eventType as string);
    return { events, handler, typesOf };
  };

  test("only the event types the configuration set's destination publishes reach the function (not Send), and in order", async () => {
    const publisher = new SesEventPublisher({ events: EVENTS });
    const { handler, typesOf } = received();
    publisher.subscribe('ses-events', handler);
    publisher.accept(await accepted('complaint@simulator.amazonses.com'));
    publisher.accept(await accepted('bounce@simulator.amazonses.com', { messageId: 'ses-2' }));
    await publisher.stop();
    expect(typesOf()).toEqual(['Delivery', 'Complaint', 'Bounce']);
    expect(publisher.published).toEqual({ Delivery: 1, Complaint: 1, Bounce: 1 });
  });

  test('messages accepted before the function is subscribed wait for it', async () => {
    const publisher = new SesEventPublisher({ events: EVENTS });
    publisher.accept(await accepted('reader@example.org'));
    const { handler, typesOf } = received();
    expect(publisher.isIdle).toBe(false);
    publisher.subscribe('ses-events', handler);
    await publisher.stop();
    expect(typesOf()).toEqual(['Delivery']);
  });

  test("a failing function is retried twice, as Lambda retries an asynchronous invocation; then the event is set aside and the next goes on", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ses-events-'));
    const deadLetters = join(dir, 'dead-letters', 'ses-events.jsonl');
    const logged: string[] = [];
    const publisher = new SesEventPublisher({ events: EVENTS, retryDelayMs: 1, log: { error: (m) => logged.push(m) } });
    let calls = 0;
    const { handler, typesOf } = received();
    publisher.subscribe('ses-events', async (event) => {
      calls++;
      if ((JSON.parse(event.Records[0]!.Sns.Message) as Json).mail.messageId === 'ses-broken') throw new Error('reader@example.org could not be recorded');
      await handler(event);
    }, deadLetters);
    publisher.accept(await accepted('reader@example.org', { messageId: 'ses-broken' }));
    publisher.accept(await accepted('reader@example.org', { messageId: 'ses-fine' }));
    await publisher.stop();

    expect(calls).toBe(3 + 1);
    expect(typesOf()).toEqual(['Delivery']);
    expect(publisher.deadLettered).toBe(1);
    expect(logged).toEqual([expect.stringContaining('failed 3 times and was set aside (Error)')]);
    expect(logged.join()).not.toContain('reader@example.org');
    const [line, ...rest] = readFileSync(deadLetters, 'utf8').trim().split('\n');
    expect(rest).toEqual([]);
    expect(JSON.parse(line!)).toMatchObject({ function: 'ses-events', error: 'Error', event: { Records: [{ EventSource: 'aws:sns' }] } });
    expect(statSync(deadLetters).mode & 0o777).toBe(0o600);
  });
});
