import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

export interface DeadLetterQueueProps {
  /** What sends its failures here, for the reason of the acknowledgement: e.g. 'the plan-briefing stream mapping'. */
  readonly deadLetterFor: string;
  /** What the operator reads when the alarm fires: what landed in the queue and what to do about it. */
  readonly alarmDescription: string;
  /** Who hears about the alarm. @default no notification, alarm only */
  readonly alarmTopic?: sns.ITopic;
}

/**
 * A terminal dead-letter queue that somebody will notice: SQS-managed encryption, TLS
 * only, 14 days' retention (the maximum, time to look and replay), and an alarm beside
 * it (`<id>-alarm`) as soon as one message is visible. Nothing consumes it.
 */
export class DeadLetterQueue extends sqs.Queue {
  readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason: `Terminal dead-letter destination of ${props.deadLetterFor}: nothing receives from it, so there is no receive count to redrive on. Its ApproximateNumberOfMessagesVisible alarm is the signal.`,
    });

    // Beside the queue (not inside it), so the queue keeps the logical ID a plain sqs.Queue would have.
    this.alarm = new cloudwatch.Alarm(scope, `${id}-alarm`, {
      alarmDescription: props.alarmDescription,
      metric: this.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (props.alarmTopic) this.alarm.addAlarmAction(new cloudwatchActions.SnsAction(props.alarmTopic));
  }
}
