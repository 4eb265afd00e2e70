import { RemovalPolicy, Validations, type Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { COMMON_ENV } from '../../shared/contract/environment';

/** ONE key for every function that signs links: a link signed by one is checked by another. */
export function createTokenKey(scope: Stack): secretsmanager.Secret {
  const secret = new secretsmanager.Secret(scope, 'token-key', {
    description: `HMAC key that signs the confirm, manage and unsubscribe links in emails (${COMMON_ENV.tokenKeySecretArn}).`,
    // 64 letters and digits (~380 bits); handlers use the UTF-8 bytes of the string as the key.
    generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
    // Deleting it would break every link in every email already delivered (no email exists
    // before the first create succeeds, so a rolled-back create may delete it).
    removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
  });
  Validations.of(secret).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason:
      'This is the HMAC key of the unsubscribe and manage-preferences links in emails already delivered. Rotating it automatically would invalidate those links, and RFC 8058 one-click unsubscribe links must keep working for as long as the email can be read. Rotation is a manual, planned operation.',
  });
  return secret;
}
