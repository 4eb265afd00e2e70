import { Duration, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { FunctionName, StreamTrigger } from '../../shared/contract/functions';
import type { BriefingFunction } from './briefing-function';
import { assertSupportedPattern } from '../event-filter';

/** Stream → function with the definition's filters and batch settings, reporting partial failures; failed records' metadata to `dlq`. */
export function addStreamSource(name: FunctionName, fn: BriefingFunction, source: dynamodb.Table, trigger: StreamTrigger, dlq: sqs.IQueue): void {
  fn.addEventSource(
    new DynamoEventSource(source, {
      startingPosition: lambda.StartingPosition[trigger.startingPosition],
      batchSize: trigger.batchSize,
      maxBatchingWindow: Duration.seconds(trigger.maxBatchingWindowSeconds),
      retryAttempts: trigger.retryAttempts,
      bisectBatchOnError: trigger.bisectOnError,
      maxRecordAge: Duration.seconds(trigger.maxRecordAgeSeconds),
      parallelizationFactor: trigger.parallelizationFactor,
      reportBatchItemFailures: true,
      // FilterCriteria.filter serialises to { pattern: JSON.stringify(pattern) }, the form Lambda expects.
      // Only patterns the local poller applies as AWS does (infra/event-filter.ts): the synth stops on any other.
      filters: trigger.filters.map((pattern, i) => {
        assertSupportedPattern(pattern, `FUNCTIONS['${name}'].trigger.filters[${i}]`);
        return lambda.FilterCriteria.filter(pattern);
      }),
      onFailure: new SqsDlq(dlq),
    }),
  );
  Validations.of(fn).acknowledge({
    id: 'Serverless-LambdaDLQ',
    reason:
      'The function is invoked only by a DynamoDB stream event source mapping, a synchronous invocation. Failed records go to the mapping\'s OnFailure SQS destination (with an alarm). A function DeadLetterConfig applies only to asynchronous invocations, which this function never receives.',
  });
}
