import { acknowledge, acknowledgementPageFor, type AcknowledgementDeps } from './acknowledgements';
import { formFields } from '../../core/subscriber';
import { checkConfirmToken, checkUnsubscribeToken, confirmSubscription, preferencesFor, requestSubscription, savePreferences, unsubscribe, type SubscriptionDeps } from './subscriptions';
import { acknowledgePage, acknowledgedPage } from '../../render/pages/acknowledge';
import { notFoundPage, tooManyRequestsPage, type PageResult } from '../../render/pages/shell';
import { subscribePage, checkYourEmailPage, linkProblemPage, confirmSubscriptionPage, confirmedPage, preferencesPage, unsubscribeConfirmPage, unsubscribedPage } from '../../render/pages/subscription';
import type { FormValues } from '../../render/pages/fields';

/**
 * The routes of the public pages, independent of how a request arrives (API Gateway in
 * AWS, node:http locally): a request in, a page out. Plain HTML forms, no JavaScript.
 */

export interface PageRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** A parsed application/x-www-form-urlencoded body (empty for GET). */
  body: URLSearchParams;
  sourceIp: string;
}

export interface PageResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** No scripts, no third parties, no framing; tokens in URLs never leave in a Referer; nothing cached. */
export const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
} as const;

const respond = (page: PageResult, extra: Record<string, string> = {}): PageResponse => ({
  statusCode: page.status,
  headers: { ...PAGE_HEADERS, ...extra },
  body: page.html,
});

const asValues = (form: Record<string, string | string[]>): FormValues => ({
  email: typeof form.email === 'string' ? form.email : undefined,
  agency: typeof form.agency === 'string' ? form.agency : undefined,
  role: typeof form.role === 'string' ? form.role : undefined,
  frequency: typeof form.frequency === 'string' ? form.frequency : undefined,
  topics: Array.isArray(form.topics) ? form.topics : undefined,
});

const tokenOf = (request: PageRequest) => request.query.get('t') ?? request.body.get('t') ?? undefined;

const routeOf = (request: Pick<PageRequest, 'method' | 'path'>) => `${request.method.toUpperCase()} ${request.path.replace(/\/+$/, '') || '/'}`;

const ROUTES = new Set([...['/', '/subscribe', '/confirm', '/preferences', '/unsubscribe', '/acknowledge'].flatMap((path) => [`GET ${path}`, `POST ${path}`])]);

/** The route for a log line: a path the pages serve, or a fixed stand-in (a path is typed by anyone, and can hold an address). */
export function loggableRoute(request: Pick<PageRequest, 'method' | 'path'>): string {
  const route = routeOf(request);
  return ROUTES.has(route) ? route : 'another path';
}

export async function routePage(deps: SubscriptionDeps & AcknowledgementDeps, request: PageRequest): Promise<PageResponse> {
  const route = routeOf(request);
  switch (route) {
    case 'GET /':
      return { statusCode: 303, headers: { ...PAGE_HEADERS, location: '/subscribe' }, body: '' };
    case 'GET /subscribe':
      return respond(subscribePage());
    case 'POST /subscribe': {
      const form = formFields(request.body);
      const result = await requestSubscription(deps, form, request.sourceIp);
      if (result.outcome === 'invalid') return respond(subscribePage({ values: asValues(form), errors: result.errors }));
      if (result.outcome === 'throttled') return respond(tooManyRequestsPage(), { 'retry-after': '3600' });
      return respond(checkYourEmailPage());
    }
    case 'GET /confirm': {
      // Only asks: a mail scanner following the link must not subscribe anyone. Check the link first.
      const token = tokenOf(request);
      const check = await checkConfirmToken(deps, token);
      if (check.outcome === 'link-problem') return respond(linkProblemPage(check.problem, { purpose: 'confirm' }));
      return respond(confirmSubscriptionPage({ token: token ?? '' }));
    }
    case 'POST /confirm': {
      const result = await confirmSubscription(deps, tokenOf(request));
      if (result.outcome === 'link-problem') return respond(linkProblemPage(result.problem, { purpose: result.purpose }));
      return respond(confirmedPage({ manageUrl: result.manageUrl, summary: result.summary }));
    }
    case 'GET /preferences': {
      const token = tokenOf(request);
      const result = await preferencesFor(deps, token);
      if (result.outcome === 'link-problem') return respond(linkProblemPage(result.problem, { purpose: result.purpose }));
      return respond(preferencesPage({ token: token ?? '', summary: result.summary }));
    }
    case 'POST /preferences': {
      const token = tokenOf(request);
      const form = formFields(request.body);
      const result = await savePreferences(deps, token, form);
      if (result.outcome === 'link-problem') return respond(linkProblemPage(result.problem, { purpose: result.purpose }));
      if (result.outcome === 'confirm-by-email') return respond(checkYourEmailPage());
      if (result.outcome === 'throttled') return respond(tooManyRequestsPage(), { 'retry-after': '3600' });
      if (result.outcome === 'invalid') {
        return respond(preferencesPage({ token: token ?? '', summary: result.summary, values: asValues(form), errors: result.errors }));
      }
      return respond(preferencesPage({ token: token ?? '', summary: result.summary, saved: true }));
    }
    case 'GET /unsubscribe': {
      // Mail scanners follow GET links: this only shows the button. Check the link first, so a bad one says so now.
      const token = tokenOf(request);
      const check = checkUnsubscribeToken(deps, token);
      if (!check.ok) return respond(linkProblemPage(check.reason, { purpose: 'unsubscribe' }));
      return respond(unsubscribeConfirmPage({ token: token ?? '' }));
    }
    case 'POST /unsubscribe': {
      // RFC 8058: the mailbox provider POSTs "List-Unsubscribe=One-Click" to the header's URL.
      const how = request.body.get('List-Unsubscribe') === 'One-Click' ? 'one-click' : 'page';
      const result = await unsubscribe(deps, tokenOf(request), how);
      if (result.outcome === 'link-problem') return respond(linkProblemPage(result.problem, { purpose: result.purpose }));
      return respond(unsubscribedPage());
    }
    case 'GET /acknowledge': {
      const token = tokenOf(request);
      const result = await acknowledgementPageFor(deps, token);
      if (result.outcome === 'link-problem') return respond(linkProblemPage(result.problem, { purpose: 'acknowledge' }));
      return respond(acknowledgePage({ token: token ?? '', title: result.title, already: result.already, answered: result.answered }));
    }
    case 'POST /acknowledge': {
      const token = tokenOf(request);
      const result = await acknowledge(deps, token, request.body.get('answer'));
      if (result.outcome === 'link-problem') return respond(linkProblemPage(result.problem, { purpose: 'acknowledge' }));
      if (result.outcome === 'invalid') return respond(acknowledgePage({ token: token ?? '', title: result.title, answer: result.answer, error: result.error }));
      return respond(acknowledgedPage({ title: result.title, answered: result.answered, masked: result.masked, alreadyAnswered: result.alreadyAnswered }));
    }
    default:
      return respond(notFoundPage());
  }
}
