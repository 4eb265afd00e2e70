import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createLogger, stores } from '../../shared/adapters/wiring';
import { emailing } from '../../shared/adapters/wiring-email';
import { cachedTokenSigner } from '../../shared/adapters/token-key';
import { loadFunctionConfig } from '../../shared/contract/function-config';
import { configurePages, serverErrorPage } from '../../shared/render/pages/shell';
import { PAGE_HEADERS, loggableRoute, routePage } from '../../shared/flows/subscribe/route-page';

const config = loadFunctionConfig('subscriptions');
const logger = createLogger('subscriptions');
configurePages({ partnershipName: config.partnershipName, logoUrl: config.logoUrl, contactDetails: config.contactDetails });
const store = stores(config);
const signer = cachedTokenSigner();
const base = {
  subscribers: store.subscribers(),
  suppressions: store.suppressions(),
  rateLimiter: store.rateLimiter(),
  deliveries: store.deliveries(),
  briefings: store.briefings(),
  responses: store.responses(),
  settings: store.settings(),
  ...emailing(config),
};

/**
 * Forms post urlencoded; RFC 8058 one-click POSTs SHOULD be multipart/form-data. The
 * platform's own Request parses both; an unreadable body counts as empty.
 */
async function bodyOf(event: APIGatewayProxyEventV2): Promise<URLSearchParams> {
  if (!event.body) return new URLSearchParams();
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  const contentType = event.headers?.['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(contentType)) return new URLSearchParams(raw.toString('utf8'));
  try {
    const form = await new Request('http://localhost/', { method: 'POST', headers: { 'content-type': contentType }, body: raw }).formData();
    const fields = new URLSearchParams();
    for (const [key, value] of form) if (typeof value === 'string') fields.append(key, value);
    return fields;
  } catch {
    return new URLSearchParams();
  }
}

/** API Gateway HTTP API (payload 2.0) → the page routes → HTML. A failure shows a plain error page, never a stack trace. */
export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const request = {
    method: event.requestContext.http.method,
    path: event.rawPath,
    query: new URLSearchParams(event.rawQueryString ?? ''),
    body: await bodyOf(event),
    sourceIp: event.requestContext.http.sourceIp,
  };
  const route = loggableRoute(request);
  try {
    const response = await routePage({ ...base, signer: await signer() }, request);
    logger.info('Page served', { route, status: response.statusCode });
    return response;
  } catch (error) {
    // The error's name only: messages can quote an address.
    logger.error('Page failed', { route, error: (error as Error).name });
    const page = serverErrorPage();
    return { statusCode: page.status, headers: { ...PAGE_HEADERS }, body: page.html };
  }
};
