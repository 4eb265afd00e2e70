import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SNSEvent } from 'aws-lambda';

/** AWS's documented SES notification shapes (test/fixtures/ses-events), aimed at a given row and address. */
export type SesFixture = 'bounce-permanent' | 'bounce-transient' | 'complaint' | 'delivery' | 'reject' | 'identity-bounce-permanent';

const read = (name: string) => JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'ses-events', `${name}.json`), 'utf8')) as Record<string, any>;

export function sesNotification(name: SesFixture, target: { deliveryId?: string; email: string }): Record<string, any> {
  const notification = read(name);
  const mail = notification.mail;
  mail.destination = [target.email];
  mail.headers = (mail.headers as { name: string; value: string }[]).filter((h) => h.name.toLowerCase() !== 'x-delivery-id');
  if (target.deliveryId) mail.headers.push({ name: 'X-Delivery-Id', value: target.deliveryId });
  for (const recipient of notification.bounce?.bouncedRecipients ?? []) recipient.emailAddress = target.email;
  for (const recipient of notification.complaint?.complainedRecipients ?? []) recipient.emailAddress = target.email;
  if (notification.delivery) notification.delivery.recipients = [target.email];
  return notification;
}

/** The Lambda event SNS delivers, carrying one notification as its Message. */
export function snsEvent(notification: unknown): SNSEvent {
  const envelope = read('sns-envelope') as SNSEvent;
  envelope.Records[0]!.Sns.Message = JSON.stringify(notification);
  return envelope;
}
