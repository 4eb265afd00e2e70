import { SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import type { Mailer } from '../domain/ports';
import type { Pacer } from '../domain/token-bucket';

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

/** SES's answers to "too fast": the account's send rate (MaxSendingRateExceeded arrives as Throttling). */
const THROTTLING_ERRORS = new Set(['Throttling', 'ThrottlingException', 'MaxSendingRateExceeded', 'TooManyRequestsException']);

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  pause: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 4,
  baseDelayMs: 250,
  pause: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export class SesMailer implements Mailer {
  constructor(
    private readonly ses: SESClient = new SESClient({}),
    private readonly configurationSet?: string,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
    /** Keeps this sender under its share of the account's SES rate; every attempt, retries included, waits its turn. */
    private readonly pacer?: Pacer,
  ) {}

  /**
   * Throttling is backed off and retried here (exponential, with jitter), inside the
   * invocation; only when it persists does the error go up, and the row is handed back to
   * the stream. The SDK's own retries are turned off for SES (see aws.ts), so this is the one policy.
   */
  async sendRaw(raw: Buffer): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.pacer?.take();
        return await this.sendOnce(raw);
      } catch (error) {
        const throttled = error instanceof SendError && THROTTLING_ERRORS.has((error.cause as { name?: string } | undefined)?.name ?? '');
        if (!throttled || attempt >= this.retry.attempts) throw error;
        const delay = this.retry.baseDelayMs * 2 ** (attempt - 1);
        await this.retry.pause(delay / 2 + Math.random() * (delay / 2));
      }
    }
  }

  private async sendOnce(raw: Buffer): Promise<string> {
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
