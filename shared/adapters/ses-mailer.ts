import { SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import type { Mailer } from '../core/ports';
import { classifySesError, fromAddressOf, SendError } from '../core/ses-errors';
import type { Pacer } from '../core/pacing';

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
   * Throttling (the maximum send rate) is backed off and retried here (exponential, with
   * jitter), inside the invocation; only when it persists does the error go up, and the row is
   * handed back to the stream. The day's quota used up is also a Throttling error, but seconds of
   * waiting cannot help it: it goes up at once. The SDK's own retries are turned off for SES
   * (see wiring-email.ts), so this is the one policy.
   */
  async sendRaw(raw: Buffer): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.pacer?.take();
        return await this.sendOnce(raw);
      } catch (error) {
        const throttled = error instanceof SendError && error.kind === 'throttled';
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
      if (!result.MessageId) throw new SendError('SES accepted the message but returned no MessageId.', 'transient');
      return result.MessageId;
    } catch (error) {
      if (error instanceof SendError) throw error;
      const name = (error as { name?: string }).name ?? 'Error';
      const message = (error as { message?: string }).message ?? String(error);
      const verdict = classifySesError(name, message, fromAddressOf(raw));
      throw new SendError(`SES ${name}: ${message}`, verdict.kind, { cause: error, problem: verdict.problem });
    }
  }
}
