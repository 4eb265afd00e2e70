import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSesNotification, parseSnsMessage, type MailEvent } from '../../shared/core/ses-event';

/**
 * SES notifications, in the shapes AWS documents (test/fixtures/ses-events/README.md names the
 * pages), become small MailEvents. The fields we act on are asserted exactly.
 */

const FIXTURES = join(__dirname, '..', 'fixtures', 'ses-events');
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A fresh copy each time, so a test can change it without touching the others. */
function fixture(name: string): Json {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as Json;
}

/** Wraps an SES notification the way SNS hands it to a Lambda: one record, Message is a JSON string. */
function wrapInSnsEvent(notification: unknown): Json {
  const envelope = fixture('sns-envelope');
  envelope.Records[0].Sns.Message = JSON.stringify(notification);
  return envelope;
}

function parsedEvent(notification: unknown): MailEvent {
  const result = parseSnsMessage(wrapInSnsEvent(notification).Records[0].Sns.Message);
  if (!result.ok) throw new Error(`expected an event, got: ${result.problem}`);
  return result.event;
}

const DELIVERY_ID = 'nr-example-2021#v1#0123456789abcdef01234567';
const ADDRESS = /@|example\.org/i;

describe('the SNS envelope fixture', () => {
  test('has the shape Lambda receives from SNS', () => {
    const envelope = fixture('sns-envelope');
    expect(envelope.Records).toHaveLength(1);
    const [record] = envelope.Records;
    expect(record.EventSource).toBe('aws:sns');
    expect(record.EventVersion).toBe('1.0');
    expect(record.EventSubscriptionArn).toMatch(/^arn:aws:sns:/);
    expect(record.Sns).toMatchObject({ Type: 'Notification', Subject: null, MessageAttributes: {} });
    expect(Object.keys(record.Sns).sort()).toEqual(
      ['Message', 'MessageAttributes', 'MessageId', 'Signature', 'SignatureVersion', 'SigningCertUrl', 'Subject', 'Timestamp', 'TopicArn', 'Type', 'UnsubscribeUrl'].sort(),
    );
  });

  test('wrapInSnsEvent puts the notification in Message as a JSON string', () => {
    const wrapped = wrapInSnsEvent(fixture('delivery'));
    expect(typeof wrapped.Records[0].Sns.Message).toBe('string');
    expect(JSON.parse(wrapped.Records[0].Sns.Message)).toEqual(fixture('delivery'));
  });
});

describe('parseSnsMessage on the documented event-publishing records', () => {
  test('permanent bounce', () => {
    expect(parsedEvent(fixture('bounce-permanent'))).toEqual({
      kind: 'bounced',
      permanent: true,
      subType: 'General',
      messageId: '010001900f3c5a7e-3d9b2c41-6a8e-4f0b-9c27-5e1d8a4b7f63-000000',
      deliveryId: DELIVERY_ID,
      at: '2017-08-05T00:41:02.669Z',
      recipients: ['recipient@example.org'],
    });
  });

  test('transient bounce is not permanent', () => {
    expect(parsedEvent(fixture('bounce-transient'))).toEqual({
      kind: 'bounced',
      permanent: false,
      subType: 'MailboxFull',
      messageId: '010001900f3d11c2-8e4a7b19-2c5d-4e6f-a1b3-7d9c0e2f4a85-000000',
      deliveryId: DELIVERY_ID,
      at: '2017-08-05T01:12:44.310Z',
      recipients: ['recipient@example.org'],
    });
  });

  test('complaint', () => {
    expect(parsedEvent(fixture('complaint'))).toEqual({
      kind: 'complained',
      messageId: '010001900f3e2b9d-5c7a1e83-9f4b-4d2a-b6e0-1a3c5e7f9b24-000000',
      deliveryId: DELIVERY_ID,
      at: '2017-08-05T00:41:02.669Z',
      recipients: ['recipient@example.org'],
      feedbackType: 'abuse',
    });
  });

  test('delivery', () => {
    expect(parsedEvent(fixture('delivery'))).toEqual({
      kind: 'delivered',
      messageId: '010001900f3f4e61-2b8d6f04-7a1c-4e9b-8d35-6f0a2c4e8b17-000000',
      deliveryId: DELIVERY_ID,
      at: '2016-10-19T23:21:04.133Z',
      recipients: ['recipient@example.org'],
    });
  });

  test('reject: recipients from mail.destination, time from mail.timestamp', () => {
    expect(parsedEvent(fixture('reject'))).toEqual({
      kind: 'rejected',
      messageId: '010001900f405a33-9e1c3a75-4b6d-4f8e-a207-3c5e7a9b1d46-000000',
      deliveryId: DELIVERY_ID,
      at: '2016-10-14T17:38:15.211Z',
      reason: 'Bad content',
      recipients: ['recipient@example.org'],
    });
  });
});

describe('identity notifications (notificationType)', () => {
  test('the documented bounce with a DSN parses like an event-publishing bounce', () => {
    expect(parsedEvent(fixture('identity-bounce-permanent'))).toEqual({
      kind: 'bounced',
      permanent: true,
      subType: 'General',
      messageId: '010001900f4172b8-6a0e4c29-1d3f-4b5a-9c86-8e2a4c6e0f93-000000',
      deliveryId: DELIVERY_ID,
      at: '2016-01-27T14:59:38.237Z',
      // Only the bounced recipient, not all of mail.destination.
      recipients: ['recipient@example.org'],
    });
  });

  test('without original headers there is no deliveryId, but the messageId still identifies the mail', () => {
    const notification = fixture('identity-bounce-permanent');
    delete notification.mail.headers;
    delete notification.mail.headersTruncated;
    delete notification.mail.commonHeaders;
    const result = parseSesNotification(notification);
    expect(result).toEqual({
      ok: true,
      event: expect.objectContaining({ kind: 'bounced', messageId: '010001900f4172b8-6a0e4c29-1d3f-4b5a-9c86-8e2a4c6e0f93-000000' }),
    });
    expect(result.ok && 'deliveryId' in result.event).toBe(false);
  });
});

describe('details', () => {
  test('Undetermined bounces are treated as soft', () => {
    const notification = fixture('bounce-permanent');
    notification.bounce.bounceType = 'Undetermined';
    notification.bounce.bounceSubType = 'Undetermined';
    expect(parsedEvent(notification)).toMatchObject({ kind: 'bounced', permanent: false, subType: 'Undetermined' });
  });

  test('an unknown bounceType is a problem, not a guess', () => {
    const notification = fixture('bounce-permanent');
    notification.bounce.bounceType = 'Eventual';
    expect(parseSesNotification(notification)).toEqual({ ok: false, problem: 'bounce.bounceType is not one of Permanent, Transient, Undetermined' });
  });

  test('recipients are lower-cased and trimmed', () => {
    const notification = fixture('bounce-transient');
    notification.bounce.bouncedRecipients = [{ emailAddress: '  Recipient@Example.ORG ' }, { emailAddress: 'Second.Recipient@example.org' }];
    expect(parsedEvent(notification)).toMatchObject({ recipients: ['recipient@example.org', 'second.recipient@example.org'] });

    const delivery = fixture('delivery');
    delivery.delivery.recipients = [' RECIPIENT@example.org'];
    expect(parsedEvent(delivery)).toMatchObject({ recipients: ['recipient@example.org'] });
  });

  test('the X-Delivery-Id header name is matched case-insensitively', () => {
    const notification = fixture('complaint');
    const header = notification.mail.headers.find((h: { name: string }) => h.name === 'X-Delivery-Id');
    header.name = 'x-delivery-id';
    expect(parsedEvent(notification)).toMatchObject({ deliveryId: DELIVERY_ID });
  });

  test('no X-Delivery-Id header: deliveryId is left out', () => {
    const notification = fixture('delivery');
    notification.mail.headers = notification.mail.headers.filter((h: { name: string }) => h.name !== 'X-Delivery-Id');
    const event = parsedEvent(notification);
    expect(event.messageId).toBe('010001900f3f4e61-2b8d6f04-7a1c-4e9b-8d35-6f0a2c4e8b17-000000');
    expect(event).not.toHaveProperty('deliveryId');
  });

  test('a complaint without a feedback report has no feedbackType', () => {
    const notification = fixture('complaint');
    delete notification.complaint.complaintFeedbackType;
    delete notification.complaint.userAgent;
    delete notification.complaint.arrivalDate;
    const event = parsedEvent(notification);
    expect(event.kind).toBe('complained');
    expect(event).not.toHaveProperty('feedbackType');
  });
});

describe('ignored event types', () => {
  test.each(['Send', 'Open', 'Click', 'Rendering Failure', 'DeliveryDelay', 'Subscription'])('eventType %s is ignored', (type) => {
    const notification = { ...fixture('delivery'), eventType: type };
    expect(parseSesNotification(notification)).toEqual({ ok: false, ignored: true, problem: `event type ${type} is not handled` });
  });

  test('notificationType AmazonSnsSubscriptionSucceeded is ignored', () => {
    const notification = { notificationType: 'AmazonSnsSubscriptionSucceeded', message: 'You have successfully subscribed your Amazon SNS topic.' };
    expect(parseSnsMessage(JSON.stringify(notification))).toEqual({
      ok: false,
      ignored: true,
      problem: 'event type AmazonSnsSubscriptionSucceeded is not handled',
    });
  });
});

describe('problems', () => {
  test('bad JSON: a clear problem that does not echo the text', () => {
    const result = parseSnsMessage('recipient@example.org bounced {');
    expect(result).toEqual({ ok: false, problem: 'the SNS message is not valid JSON' });
  });

  test('a bounce without bouncedRecipients names the field and no address', () => {
    const notification = fixture('bounce-permanent');
    delete notification.bounce.bouncedRecipients;
    const result = parseSnsMessage(wrapInSnsEvent(notification).Records[0].Sns.Message);
    expect(result).toEqual({ ok: false, problem: 'bounce.bouncedRecipients is missing' });
    expect(result.ok ? '' : result.problem).not.toMatch(ADDRESS);
  });

  test('an empty bouncedRecipients list is a problem too', () => {
    const notification = fixture('bounce-permanent');
    notification.bounce.bouncedRecipients = [];
    expect(parseSesNotification(notification)).toEqual({ ok: false, problem: 'bounce.bouncedRecipients is empty' });
  });

  test('a wrongly typed address names its position, not its value', () => {
    const notification = fixture('complaint');
    notification.complaint.complainedRecipients = [{ emailAddress: 'recipient@example.org' }, { emailAddress: 42 }];
    const result = parseSesNotification(notification);
    expect(result).toEqual({ ok: false, problem: 'complaint.complainedRecipients[1].emailAddress is not a string' });
    expect(result.ok ? '' : result.problem).not.toMatch(ADDRESS);
  });

  test('missing pieces of each handled type', () => {
    const noBounce = fixture('bounce-permanent');
    delete noBounce.bounce;
    expect(parseSesNotification(noBounce)).toEqual({ ok: false, problem: 'bounce is missing' });

    const noMessageId = fixture('delivery');
    delete noMessageId.mail.messageId;
    expect(parseSesNotification(noMessageId)).toEqual({ ok: false, problem: 'mail.messageId is missing' });

    const badTime = fixture('delivery');
    badTime.delivery.timestamp = 'yesterday';
    expect(parseSesNotification(badTime)).toEqual({ ok: false, problem: 'delivery.timestamp is not a timestamp' });

    const noDestination = fixture('reject');
    delete noDestination.mail.destination;
    expect(parseSesNotification(noDestination)).toEqual({ ok: false, problem: 'mail.destination is missing' });
  });

  test('no type at all, or not an object', () => {
    const { eventType: _ignored, ...untyped } = fixture('delivery');
    expect(parseSesNotification(untyped)).toEqual({ ok: false, problem: 'eventType (or notificationType) is missing' });
    expect(parseSnsMessage('"recipient@example.org"')).toEqual({ ok: false, problem: 'the notification is not a JSON object' });
    expect(parseSnsMessage('null')).toEqual({ ok: false, problem: 'the notification is not a JSON object' });
  });
});
