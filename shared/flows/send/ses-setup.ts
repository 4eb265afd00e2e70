import { composeBriefingMime } from '../../render/email/mime';
import { sesSetupNotice } from '../../render/email/notices';
import type { Mailer, RateLimiter } from '../../core/ports';
import { SETUP_PROBLEMS, type SetupProblem } from '../../core/ses-errors';

/** The log line the stack's metric filter counts and alarms on (infra/constructs/ses-setup-alarm.ts). */
export const SES_SETUP_LOG_MESSAGE = 'SES set-up problem';
/** One notice per problem per day while it lasts (the rate-limits table holds the day's mark). */
export const SES_SETUP_NOTICE_WINDOW_SECONDS = 86_400;

export interface SetupLog {
  error(message: string, fields: Record<string, unknown>): void;
  info(message: string, fields: Record<string, unknown>): void;
}

export interface SesSetupDeps {
  mailer: Mailer;
  /** The sender address, and the admin mailbox that is told. */
  from: string;
  adminAddress: string;
  limiter: RateLimiter;
  log: SetupLog;
  now?: () => Date;
}

export interface SesSetupReporter {
  /** Logs the problem (every time: the alarm counts these) and emails the admin once per problem per day. Never throws. */
  report(problem: SetupProblem, sesError: string): Promise<void>;
}

/**
 * SES refused to send for a reason of the account or its set-up (shared/core/ses-errors.ts):
 * the row has been handed back, and someone must fix the cause. A log line (no addresses: the
 * SES error's name, never its message, which lists them), an alarm on that line, and an email to
 * the admin say what to fix. If sending itself is what is broken, the email fails too: that is
 * logged and the caller goes on; the log line and the alarm still say it.
 */
export function sesSetupReporter(deps: SesSetupDeps): SesSetupReporter {
  // This instance's own memory of the day's notice, so a batch of failing rows asks the table once.
  const toldUntil = new Map<SetupProblem, number>();
  return {
    async report(problem, sesError) {
      const { what, fix } = SETUP_PROBLEMS[problem];
      deps.log.error(SES_SETUP_LOG_MESSAGE, { problem, sesError, what, fix });
      const now = (deps.now ?? (() => new Date()))();
      if ((toldUntil.get(problem) ?? 0) > now.getTime()) return;
      const windowMs = SES_SETUP_NOTICE_WINDOW_SECONDS * 1000;
      toldUntil.set(problem, (Math.floor(now.getTime() / windowMs) + 1) * windowMs);
      try {
        // The same fixed window as the limiter's: one notice per problem per day across every instance.
        if (!(await deps.limiter.allow(`ses-setup-notice#${problem}`, 1, SES_SETUP_NOTICE_WINDOW_SECONDS, now))) return;
        const raw = await composeBriefingMime({ from: deps.from, to: { name: '', email: deps.adminAddress }, rendered: sesSetupNotice({ what, fix }, sesError) });
        await deps.mailer.sendRaw(raw);
        deps.log.info('SES set-up notice emailed to the admin address', { problem });
      } catch (error) {
        deps.log.error('SES set-up notice could not be sent', { problem, error: (error as Error).name });
      }
    },
  };
}
