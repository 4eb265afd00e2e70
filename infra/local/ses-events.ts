import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SNSEvent } from 'aws-lambda';
import { simpleParser, type AddressObject } from 'mailparser';
import { LOCAL_REGION, type AcceptedEmail } from './emulators';
import { PRIVATE_DIR, PRIVATE_FILE } from './private-files';

export type { AcceptedEmail };

/**
 * SES events, locally. In AWS the configuration set publishes an event for each message SES
 * accepted to an SNS topic, and SNS invokes ses-events with it. Here the SES emulator stands in
 * for SES (infra/local/emulators.ts hands over each message it accepted), this module builds the
 * notifications AWS would publish, in the documented event-publishing shape
 * (https://docs.aws.amazon.com/ses/latest/dg/event-publishing-retrieving-sns-contents.html; the
 * fixtures in test/fixtures/ses-events/ are AWS's own examples), and delivers each in the SNS
 * envelope to the real ses-events handler, as the SNS subscription does.
 *
 * What happens to each recipient follows SES's mailbox simulator
 * (https://docs.aws.amazon.com/ses/latest/dg/send-an-email-from-console.html),
 * labels included (bounce+anything@simulator.amazonses.com is bounce@…):
 *  - bounce@…: a permanent bounce (General, 550 5.1.1 user unknown); no Delivery;
 *  - suppressionlist@…: a permanent bounce, as for an address on SES's suppression list (Suppressed); no Delivery;
 *  - complaint@…: Delivery, then a Complaint (abuse);
 *  - ooto@…, success@… and every other address: Delivery (the out-of-office reply goes to the
 *    sender's Return-Path in AWS, and is no event).
 * Every message also has a Send event. Only the event types the configuration set's destination
 * publishes (the ses-events trigger's `events` in shared/contract/functions.ts) reach the handler, as in AWS.
 *
 * In AWS every sender passes the stack's configuration set; locally none is set, so every message
 * the emulator accepts is treated as sent through it.
 */

export type SesEventType = 'Send' | 'Delivery' | 'Bounce' | 'Complaint';
export type SesNotification = Record<string, unknown> & { eventType: SesEventType };

export const SIMULATOR_DOMAIN = 'simulator.amazonses.com';
/** The account and topic that stand in for AWS's in local ARNs. */
const LOCAL_ACCOUNT = '000000000000';
const LOCAL_TOPIC_ARN = `arn:aws:sns:${LOCAL_REGION}:${LOCAL_ACCOUNT}:ses-events`;

type Fate = 'delivered' | 'bounced' | 'suppressed' | 'complained';

/** What SES's mailbox simulator does with this address; every address outside it is delivered. */
export function simulatorFate(address: string): Fate {
  const [local = '', domain = ''] = address.trim().toLowerCase().split(/@(?=[^@]*$)/);
  if (domain !== SIMULATOR_DOMAIN) return 'delivered';
  switch (local.split('+')[0]) {
    case 'bounce':
      return 'bounced';
    case 'suppressionlist':
      return 'suppressed';
    case 'complaint':
      return 'complained';
    default:
      return 'delivered';
  }
}

const addressesOf = (field: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(field) ? field : field ? [field] : []).flatMap((group) => group.value.flatMap(function flat(a): string[] {
    return a.group ? a.group.flatMap(flat) : a.address ? [a.address] : [];
  }));
const textOf = (field: AddressObject | AddressObject[] | undefined) => (Array.isArray(field) ? field : field ? [field] : []).map((group) => group.text);

/**
 * The notifications AWS would publish for one accepted message, in order: Send, then per
 * recipient what the mailbox simulator does (Delivery for those delivered; one Bounce for those
 * bounced; one Complaint, after its Delivery, for those who complain).
 */
export async function sesNotificationsFor(email: AcceptedEmail): Promise<SesNotification[]> {
  const parsed = await simpleParser(email.raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true });
  const recipients = email.destinations.length ? email.destinations : [...addressesOf(parsed.to), ...addressesOf(parsed.cc), ...addressesOf(parsed.bcc)];
  const from = textOf(parsed.from);
  const source = email.source ?? addressesOf(parsed.from)[0] ?? '';
  const timestamp = email.at.toISOString();
  // Each header as the message carries it, unfolded: SES copies them into mail.headers, X-Delivery-Id among them.
  const headers = parsed.headerLines.map(({ line }) => {
    const unfolded = line.replace(/\r?\n[ \t]+/g, ' ');
    const colon = unfolded.indexOf(':');
    return { name: unfolded.slice(0, colon).trim(), value: unfolded.slice(colon + 1).trim() };
  });
  const tags: Record<string, string[]> = {
    'ses:operation': ['SendRawEmail'],
    'ses:source-ip': ['127.0.0.1'],
    'ses:from-domain': [source.slice(source.lastIndexOf('@') + 1)],
    'ses:caller-identity': ['local'],
    ...(email.configurationSet ? { 'ses:configuration-set': [email.configurationSet] } : {}),
  };
  const mail = {
    timestamp,
    source,
    sourceArn: `arn:aws:ses:${LOCAL_REGION}:${LOCAL_ACCOUNT}:identity/${source}`,
    sendingAccountId: LOCAL_ACCOUNT,
    messageId: email.messageId,
    destination: recipients,
    headersTruncated: false,
    headers,
    commonHeaders: {
      from,
      ...(parsed.date ? { date: parsed.date.toUTCString() } : {}),
      to: textOf(parsed.to),
      messageId: email.messageId,
      subject: parsed.subject ?? '',
    },
    tags,
  };
  // A little after the send, as a mail server answers.
  const later = (ms: number) => new Date(email.at.getTime() + ms).toISOString();
  const feedbackId = () => `${email.messageId}-${randomUUID()}-000000`;
  const fates = recipients.map((address) => ({ address, fate: simulatorFate(address) }));
  const having = (...wanted: Fate[]) => fates.filter((r) => wanted.includes(r.fate)).map((r) => r.address);

  const notifications: SesNotification[] = [{ eventType: 'Send', mail, send: {} }];
  const delivered = having('delivered', 'complained');
  if (delivered.length) {
    notifications.push({
      eventType: 'Delivery',
      mail,
      delivery: { timestamp: later(300), processingTimeMillis: 300, recipients: delivered, smtpResponse: '250 2.6.0 Message received', reportingMTA: 'local.ses-emulator' },
    });
  }
  for (const [fate, subType, diagnosticCode] of [
    ['bounced', 'General', 'smtp; 550 5.1.1 user unknown'],
    ['suppressed', 'Suppressed', 'Amazon SES has suppressed sending to this address because it has a recent history of bouncing as an invalid address.'],
  ] as const) {
    const bounced = having(fate);
    if (!bounced.length) continue;
    notifications.push({
      eventType: 'Bounce',
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: subType,
        bouncedRecipients: bounced.map((emailAddress) => ({ emailAddress, action: 'failed', status: '5.1.1', diagnosticCode })),
        timestamp: later(300),
        feedbackId: feedbackId(),
        reportingMTA: 'dsn; local.ses-emulator',
      },
      mail,
    });
  }
  const complained = having('complained');
  if (complained.length) {
    notifications.push({
      eventType: 'Complaint',
      complaint: {
        complainedRecipients: complained.map((emailAddress) => ({ emailAddress })),
        timestamp: later(600),
        feedbackId: feedbackId(),
        userAgent: 'Amazon SES Mailbox Simulator',
        complaintFeedbackType: 'abuse',
        arrivalDate: later(600),
      },
      mail,
    });
  }
  return notifications;
}

/** The Lambda event SNS delivers for one notification (https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html). */
export function snsEventFor(notification: SesNotification, at = new Date()): SNSEvent {
  const subscription = `${LOCAL_TOPIC_ARN}:${randomUUID()}`;
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: subscription,
        Sns: {
          Type: 'Notification',
          MessageId: randomUUID(),
          TopicArn: LOCAL_TOPIC_ARN,
          // SES's notifications carry no subject.
          Subject: null as unknown as string,
          Message: JSON.stringify(notification),
          Timestamp: at.toISOString(),
          SignatureVersion: '1',
          Signature: 'local',
          SigningCertUrl: 'http://localhost/local-sns.pem',
          UnsubscribeUrl: `http://localhost/?Action=Unsubscribe&SubscriptionArn=${subscription}`,
          MessageAttributes: {},
        },
      },
    ],
  };
}

type SnsHandler = (event: SNSEvent) => Promise<unknown>;
/** Where the publisher says that an event was set aside (npm start: the console; no addresses). */
export interface SesEventLog {
  error(message: string): void;
}

export interface SesEventPublisherOptions {
  /** The event types the configuration set publishes: the ses-events trigger's `events` (BOUNCE, DELIVERY…). */
  events: readonly string[];
  /** Lambda retries a failed asynchronous invocation twice; locally the wait is this, times the attempt (AWS: about a minute, then two). */
  retryDelayMs?: number;
  log?: SesEventLog;
}

interface Subscriber {
  name: string;
  handler: SnsHandler;
  /** Where events that failed every attempt are kept (the function's dead-letter queue in AWS). */
  deadLetterFile?: string;
}

/** Lambda's retries of an asynchronous invocation (SNS invokes asynchronously): two. */
export const ASYNC_RETRIES = 2;

/**
 * Turns each accepted message into its notifications and hands them, one at a time and in order,
 * to every subscribed function. A function that still fails after Lambda's two retries has the
 * event set aside in its dead-letter file, and the next one goes on.
 */
export class SesEventPublisher {
  private readonly subscribers: Subscriber[] = [];
  private chain: Promise<void> = Promise.resolve();
  private subscribed!: () => void;
  private readonly ready = new Promise<void>((resolve) => (this.subscribed = resolve));
  private stopped = false;
  private waiting = 0;
  /** Notifications handed to the functions, by event type. */
  readonly published: Record<string, number> = {};
  /** Notifications that failed every attempt. */
  deadLettered = 0;

  constructor(private readonly options: SesEventPublisherOptions) {}

  /** An SNS subscription: this function gets every notification the configuration set publishes. */
  subscribe(name: string, handler: SnsHandler, deadLetterFile?: string): void {
    this.subscribers.push({ name, handler, deadLetterFile });
    this.subscribed();
  }

  /** Called for each message the SES emulator accepted. Never throws: SES has answered already. */
  accept(email: AcceptedEmail): void {
    if (this.stopped) return;
    this.waiting++;
    this.chain = this.chain
      .then(async () => {
        await this.ready;
        // Stopped before any function subscribed: nobody to hand it to.
        if (!this.subscribers.length) return;
        const wanted = new Set(this.options.events.map((event) => event.toUpperCase()));
        for (const notification of await sesNotificationsFor(email)) {
          if (!wanted.has(notification.eventType.toUpperCase())) continue;
          for (const subscriber of this.subscribers) await this.deliver(subscriber, notification);
          this.published[notification.eventType] = (this.published[notification.eventType] ?? 0) + 1;
        }
      })
      .catch((error: unknown) => this.options.log?.error(`ses-events: a message the SES emulator accepted could not be read: ${(error as Error).name}`))
      .finally(() => this.waiting--);
  }

  /** True when every accepted message so far has been handed on. */
  get isIdle(): boolean {
    return this.waiting === 0;
  }

  /** Stops taking messages and waits for those already taken. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.subscribed(); // a chain waiting for a subscriber ends
    await this.chain;
  }

  private async deliver(subscriber: Subscriber, notification: SesNotification) {
    const event = snsEventFor(notification);
    const delay = this.options.retryDelayMs ?? 1_000;
    let lastError: unknown;
    for (let attempt = 0; attempt <= ASYNC_RETRIES; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, delay * attempt));
      try {
        await subscriber.handler(event);
        return;
      } catch (error) {
        lastError = error;
      }
    }
    this.deadLettered++;
    const { deadLetterFile } = subscriber;
    // The error's name only: its message could quote an address.
    this.options.log?.error(
      `${subscriber.name}: an SES ${notification.eventType} event failed ${ASYNC_RETRIES + 1} times and was set aside (${(lastError as Error | undefined)?.name ?? 'Error'}).${deadLetterFile ? ` See ${deadLetterFile}.` : ''}`,
    );
    if (!deadLetterFile) return;
    // What AWS's dead-letter queue would hold: the event itself (the data folder is this user's only).
    mkdirSync(dirname(deadLetterFile), { recursive: true, mode: PRIVATE_DIR });
    appendFileSync(deadLetterFile, `${JSON.stringify({ at: new Date().toISOString(), function: subscriber.name, error: (lastError as Error | undefined)?.name, event })}\n`, { mode: PRIVATE_FILE });
  }
}
