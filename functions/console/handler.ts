import type { Context } from 'aws-lambda';
import { handle } from 'hono/aws-lambda';
import { createLogger, stores } from '../../shared/adapters/aws';
import { cognitoSignIn } from '../../shared/adapters/cognito-sign-in';
import { cachedTokenSigner } from '../../shared/adapters/token-key';
import { loadFunctionConfig } from '../../shared/config';
import { consoleApp } from '../../shared/console/app';

const config = loadFunctionConfig('console');
const logger = createLogger('console');
const store = stores(config);
const signer = cachedTokenSigner();
const signIn = cognitoSignIn(config.signIn!);

/** The app, once the link-signing key (its CSRF tokens' key) is loaded; then kept for the instance's life. */
let ready: Promise<ReturnType<typeof handle>> | undefined;
const app = () =>
  (ready ??= signer().then((key) =>
    handle(
      consoleApp({
        findings: store.findings(),
        briefings: store.briefings(),
        deliveries: store.deliveries(),
        responses: store.responses(),
        settings: store.settings(),
        audit: store.audit(),
        signIn,
        fingerprint: (value) => key.fingerprint(value),
        branding: { partnershipName: config.partnershipName, logoUrl: config.logoUrl, contactDetails: config.contactDetails },
        // The route and the status only: never an address, a token or a finding's text.
        log: {
          served: (route, status) => logger.info('Console page', { route, status }),
          failed: (route, error) => logger.error('Console page failed', { route, error: error.name }),
        },
      }),
    ),
  ).catch((error: unknown) => {
    ready = undefined;
    throw error;
  }));

/** API Gateway HTTP API (payload 2.0) → the console's routes → HTML. */
export const handler = async (event: Parameters<ReturnType<typeof handle>>[0], context: Context) => (await app())(event, context);
