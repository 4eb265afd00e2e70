import { Duration, TimeZone, Validations, type Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { FunctionName, IntervalTrigger, WeeklyScheduleTrigger } from '../../shared/contract/functions';
import type { BriefingFunction } from './briefing-function';
import { StackConfigError } from '../stack-config-error';

/** Scheduled functions (the weekly digest, the sweeper, housekeeping): EventBridge Scheduler, failures to a watched queue. */

/**
 * How long EventBridge Scheduler keeps trying to hand a weekly run to Lambda (throttling,
 * service errors) before it goes to the dead-letter queue. A digest that is hours late is
 * still useful; after that the operator runs it by hand.
 */
export const SCHEDULE_RETRY = { attempts: 10, maxEventAge: Duration.hours(4) } as const;

/** When it runs, as the alarm and the schedule's description say it. */
export const whenOf = (trigger: WeeklyScheduleTrigger | IntervalTrigger) =>
  trigger.kind === 'interval'
    ? `every ${trigger.minutes} minutes`
    : `every ${trigger.weekday} at ${String(trigger.hour).padStart(2, '0')}:${String(trigger.minute).padStart(2, '0')} ${trigger.timeZone}`;

/** Weekly run: an EventBridge Scheduler cron in the definition's time zone; failures to a watched queue. */
export function scheduleFunction(scope: Stack, name: FunctionName, fn: BriefingFunction, trigger: WeeklyScheduleTrigger | IntervalTrigger, dlq: sqs.IQueue): scheduler.Schedule {
  // Our own role (rather than the target's shared one) so its one finding can be acknowledged here.
  const role = new iam.Role(scope, `${name}-schedule-role`, {
    description: `Lets EventBridge Scheduler invoke ${name} and dead-letter what it cannot deliver`,
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
      conditions: {
        StringEquals: {
          'aws:SourceAccount': scope.account,
          'aws:SourceArn': scope.formatArn({ service: 'scheduler', resource: 'schedule-group', resourceName: 'default' }),
        },
      },
    }),
  });
  const schedule = new scheduler.Schedule(scope, `${name}-schedule`, {
    description: `${name}: ${whenOf(trigger)}`,
    schedule: trigger.kind === 'interval' ? scheduler.ScheduleExpression.rate(Duration.minutes(trigger.minutes)) : weeklyCron(name, trigger),
    target: new schedulerTargets.LambdaInvoke(fn, {
      role,
      deadLetterQueue: dlq,
      retryAttempts: SCHEDULE_RETRY.attempts,
      maxEventAge: SCHEDULE_RETRY.maxEventAge,
    }),
  });
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${scope.getLogicalId(fn.node.defaultChild as lambda.CfnFunction)}.Arn>:*]`,
    reason: `LambdaInvoke grants lambda:InvokeFunction on the ${name} function and on "<function ARN>:*", its versions and aliases. The wildcard stays inside this one function; the only other permission is sqs:SendMessage on its dead-letter queue.`,
  });
  return schedule;
}

/** MON 08:00 Europe/London → cron(0 8 ? * MON *) in Europe/London. */
function weeklyCron(name: FunctionName, trigger: WeeklyScheduleTrigger): scheduler.ScheduleExpression {
  const { hour, minute, weekday, timeZone } = trigger;
  if (!Number.isInteger(hour) || hour < 0 || hour > 23 || !Number.isInteger(minute) || minute < 0 || minute > 59) {
    throw new StackConfigError(`${name} is scheduled at ${hour}:${minute}: hour must be 0-23 and minute 0-59.`);
  }
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone });
  } catch {
    throw new StackConfigError(`${name} is scheduled in time zone '${timeZone}', which is not an IANA time zone (for example Europe/London).`);
  }
  return scheduler.ScheduleExpression.cron({ minute: String(minute), hour: String(hour), weekDay: weekday, timeZone: TimeZone.of(timeZone) });
}
