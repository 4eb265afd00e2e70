import { SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import type { Mailer } from '../domain/ports';

/**
 * SES errors about this one message that no retry can fix: the row is marked FAILED with
 * the reason. Account or setup problems (an unverified sender, a missing configuration
 * set, throttling) are not here: once fixed, the same rows should still go.
 */
const PERMANENT_ERRORS = new Set(['MessageRejected', 'InvalidParameterValue']);

export class SendError extends Error {
  override readonly name = 'SendError';
  constructor(message: string, readonly permanent: boolean, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export class SesMailer implements Mailer {
  constructor(
    private readonly ses: SESClient = new SESClient({}),
    private readonly configurationSet?: string,
  ) {}

  async sendRaw(raw: Buffer): Promise<string> {
    try {
      const result = await this.ses.send(
        new SendRawEmailCommand({ RawMessage: { Data: raw }, ConfigurationSetName: this.configurationSet }),
      );
      if (!result.MessageId) throw new SendError('SES accepted the message but returned no MessageId.', false);
      return result.MessageId;
    } catch (error) {
      if (error instanceof SendError) throw error;
      const name = (error as { name?: string }).name ?? 'Error';
      const message = (error as { message?: string }).message ?? String(error);
      throw new SendError(`SES ${name}: ${message}`, PERMANENT_ERRORS.has(name), { cause: error });
    }
  }
}
