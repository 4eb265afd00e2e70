import type { Context } from 'aws-lambda';
import type { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';
import type { FunctionName } from '../contract/functions';
import { loadFunctionConfig, type FunctionConfig } from '../contract/function-config';
import type { ConsoleKitDeps, ConsoleEnv } from '../flows/console/kit';
import { createLogger, stores } from './wiring';
import { cognitoSignIn } from './cognito-sign-in';
import { cachedTokenSigner } from './token-key';

/**
 * A console function's Lambda handler: the user pool, the CSRF key, branding and logging every
 * console function shares, then its own routes. The app is built once the link-signing key
 * (the CSRF tokens' key) is loaded, and kept for the instance's life.
 */
export function consoleLambda(
  name: Extract<FunctionName, 'console' | 'console-people'>,
  build: (base: ConsoleKitDeps, store: ReturnType<typeof stores>) => Hono<ConsoleEnv>,
) {
  const config: FunctionConfig = loadFunctionConfig(name);
  const logger = createLogger(name);
  const store = stores(config);
  const signer = cachedTokenSigner();
  const signIn = cognitoSignIn(config.signIn!);
  let ready: Promise<ReturnType<typeof handle>> | undefined;
  const app = () =>
    (ready ??= signer().then((key) =>
      handle(
        build(
          {
            audit: store.audit(),
            signIn,
            fingerprint: (value) => key.fingerprint(value),
            branding: { partnershipName: config.partnershipName, logoUrl: config.logoUrl, contactDetails: config.contactDetails },
            // The route and the status only: never an address, a token or a finding's text.
            log: {
              served: (route, status) => logger.info('Console page', { route, status }),
              failed: (route, error) => logger.error('Console page failed', { route, error: error.name }),
            },
          },
          store,
        ),
      ),
    ).catch((error: unknown) => {
      ready = undefined;
      throw error;
    }));
  /** API Gateway HTTP API (payload 2.0) → the routes → HTML. */
  return async (event: Parameters<ReturnType<typeof handle>>[0], context: Context) => (await app())(event, context);
}
