import { Duration, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { FunctionName, SesEventsTrigger } from '../../shared/contract/functions';

/**
 * SES events: the configuration set publishes them to an SNS topic (encrypted with a key SES
 * may use), the function is subscribed; undeliverable and failed events go to a watched queue.
 */
export function sesEventsTopic(scope: Stack, name: FunctionName, configurationSet: ses.ConfigurationSet, trigger: SesEventsTrigger): sns.Topic {
  const key = new kms.Key(scope, `${name}-key`, {
    description: `Encrypts the ${name} topic (SES events: bounces, complaints, deliveries).`,
    enableKeyRotation: true,
    // Encrypts messages in flight only: nothing at rest depends on it once the topic is gone.
    removalPolicy: RemovalPolicy.DESTROY,
    pendingWindow: Duration.days(30),
  });
  // An encrypted topic accepts a publisher only if the publisher may use the key.
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowSesToPublishToTheEncryptedTopic',
      principals: [new iam.ServicePrincipal('ses.amazonaws.com')],
      actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
      resources: ['*'], // in a key policy, "*" is this key
      conditions: { StringEquals: { 'aws:SourceAccount': scope.account } },
    }),
  );
  const topic = new sns.Topic(scope, `${name}-topic`, {
    displayName: 'Safeguarding briefings SES events',
    masterKey: key,
    enforceSSL: true,
  });
  // Also adds the topic policy that lets SES (this account, this configuration set) publish.
  configurationSet.addEventDestination(`${name}-destination`, {
    destination: ses.EventDestination.snsTopic(topic),
    events: trigger.events.map((event) => ses.EmailSendingEvent[event]),
  });
  return topic;
}
