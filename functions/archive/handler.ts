import type { Context } from 'aws-lambda';
import { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';
import { createLogger, stores } from '../../shared/adapters/wiring';
import { loadFunctionConfig } from '../../shared/contract/function-config';
import { archiveIndexPage, atomFeed } from '../../shared/render/pages/archive';
import { archiveListing, currentBriefings } from '../../shared/flows/archive/archive';
import { configurePages, notFoundPage, serverErrorPage } from '../../shared/render/pages/shell';
import { AGENCY_IDS, TOPIC_IDS } from '../../shared/core/taxonomy';
import { briefingPage } from '../../shared/flows/subscribe/briefing-page';
import { PAGE_HEADERS } from '../../shared/flows/subscribe/route-page';

const config = loadFunctionConfig('archive');
const logger = createLogger('archive');
configurePages({ partnershipName: config.partnershipName, logoUrl: config.logoUrl, contactDetails: config.contactDetails });
const briefings = stores(config).briefings();
const branding = { partnershipName: config.partnershipName, logoUrl: config.logoUrl, contactDetails: config.contactDetails };

/** Public, with no personal link: a browser or a feed reader may keep it a few minutes. */
const PUBLIC_HEADERS = { ...PAGE_HEADERS, 'cache-control': 'public, max-age=300' };

const app = new Hono();
app.use('*', async (c, next) => {
  await next();
  logger.info('Archive page', { route: `${c.req.method} ${c.req.routePath}`, status: c.res.status });
});
app.get('/briefing', async (c) => {
  const page = await briefingPage({ briefings, senderName: config.partnershipName, logoUrl: config.logoUrl, contactDetails: config.contactDetails }, new URL(c.req.url).searchParams);
  return c.body(page.html, page.status as 200, page.status === 200 ? PUBLIC_HEADERS : PAGE_HEADERS);
});
app.get('/archive', async (c) => {
  const query = {
    q: c.req.query('q')?.slice(0, 200),
    topic: TOPIC_IDS.find((id) => id === c.req.query('topic')),
    agency: AGENCY_IDS.find((id) => id === c.req.query('agency')),
  };
  return c.body(archiveIndexPage(branding, await archiveListing(briefings, query), query), 200, PUBLIC_HEADERS);
});
app.get('/archive/feed.atom', async (c) =>
  c.body(atomFeed(branding, config.publicBaseUrl, await currentBriefings(briefings), new Date()), 200, { ...PUBLIC_HEADERS, 'content-type': 'application/atom+xml; charset=utf-8' }),
);
app.notFound((c) => c.body(notFoundPage().html, 404, PAGE_HEADERS));
app.onError((error, c) => {
  logger.error('Archive page failed', { route: `${c.req.method} ${c.req.path}`, error: error.name });
  return c.body(serverErrorPage().html, 500, PAGE_HEADERS);
});

const lambda = handle(app);
/** API Gateway HTTP API (payload 2.0) → the archive's routes → HTML or Atom. */
export const handler = async (event: Parameters<typeof lambda>[0], context: Context) => lambda(event, context);
