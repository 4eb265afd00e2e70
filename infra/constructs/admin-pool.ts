import { CfnOutput, Duration, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type { Deployment } from '../../shared/contract/deployment';
import { CONSOLE_GROUPS } from '../../shared/core/console/roles';

/**
 * The admin console's sign-in: a user pool where admins create the accounts (no self sign-up),
 * MFA required (TOTP), strong passwords, threat protection, and the groups that are the console's
 * roles. The console signs in from its server side (USER_PASSWORD_AUTH over TLS) and checks the
 * ID token with aws-jwt-verify.
 */
export function createAdminPool(scope: Stack): Deployment['signIn'] {
  const pool = new cognito.UserPool(scope, 'admin-pool', {
    selfSignUpEnabled: false,
    signInAliases: { email: true },
    signInCaseSensitive: false,
    mfa: cognito.Mfa.REQUIRED,
    mfaSecondFactor: { sms: false, otp: true },
    passwordPolicy: { minLength: 12, requireDigits: true, requireLowercase: true, requireUppercase: true, requireSymbols: true, tempPasswordValidity: Duration.days(3) },
    accountRecovery: cognito.AccountRecovery.NONE,
    featurePlan: cognito.FeaturePlan.PLUS,
    standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
    standardAttributes: { email: { required: true, mutable: true }, fullname: { required: false, mutable: true } },
    // Kept on delete (the accounts are the partnership's), but a rolled-back first create leaves none behind.
    removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    deletionProtection: true,
  });
  for (const group of CONSOLE_GROUPS) {
    new cognito.CfnUserPoolGroup(scope, `admin-group-${group}`, { userPoolId: pool.userPoolId, groupName: group, description: `Console role: ${group}` });
  }
  const client = pool.addClient('console-client', {
    authFlows: { userPassword: true },
    generateSecret: false,
    preventUserExistenceErrors: true,
    idTokenValidity: Duration.hours(8),
    accessTokenValidity: Duration.hours(8),
    refreshTokenValidity: Duration.hours(8),
  });
  new CfnOutput(scope, 'AdminUserPoolId', { value: pool.userPoolId, description: 'The console\'s user pool: create admins here (aws cognito-idp admin-create-user) and add each to editor, approver or viewer.' });
  return { issuer: `https://cognito-idp.${scope.region}.amazonaws.com/${pool.userPoolId}`, clientId: client.userPoolClientId };
}
