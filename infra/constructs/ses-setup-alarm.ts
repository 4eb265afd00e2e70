import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { SES_SETUP_LOG_MESSAGE } from '../../shared/flows/send/ses-setup';

export interface SesSetupAlarmProps {
  /** The log groups of the functions that log SES set-up problems (shared/flows/send/ses-setup.ts). */
  readonly logGroups: readonly logs.ILogGroup[];
  /** Who hears about the alarm. @default no notification, alarm only */
  readonly alarmTopic?: sns.ITopic;
}

/**
 * SES refuses to send for a reason of the account or its set-up (an unverified identity, sending
 * paused, AccessDenied, the day's quota used up): the sender hands the rows back and logs
 * "SES set-up problem" (JSON, Powertools). A metric filter counts those lines, and an alarm fires
 * on the first one, so an operator hears of it even when the admin's email cannot be sent.
 */
export class SesSetupAlarm extends Construct {
  readonly metric: cloudwatch.Metric;
  readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: SesSetupAlarmProps) {
    super(scope, id);
    // Per stack, so two deployments in one account never share the count.
    const metricNamespace = `SafeguardingBriefings/${Stack.of(this).stackName}`;
    const metricName = 'SesSetupProblems';
    props.logGroups.forEach((logGroup, i) => {
      new logs.MetricFilter(this, `filter-${i}`, {
        logGroup,
        filterPattern: logs.FilterPattern.stringValue('$.message', '=', SES_SETUP_LOG_MESSAGE),
        metricNamespace,
        metricName,
        metricValue: '1',
      });
    });
    this.metric = new cloudwatch.Metric({ namespace: metricNamespace, metricName, statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) });
    this.alarm = new cloudwatch.Alarm(this, 'alarm', {
      alarmDescription:
        'SES refused to send for a reason of the account or its set-up (an unverified sender or sandbox recipient, sending paused for the account or the configuration set, AccessDenied, the daily quota used up). ' +
        'The briefings are handed back and wait; nothing is lost. The send-briefing log line "SES set-up problem" names the problem and the fix, and the admin mailbox is emailed once a day per problem (if SES can still send it). ' +
        'Fix the cause; once the stream has given up on them, `npm run cli -- findings retry <id>` puts the briefings back in the queue.',
      metric: this.metric,
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (props.alarmTopic) this.alarm.addAlarmAction(new cloudwatchActions.SnsAction(props.alarmTopic));
  }
}
