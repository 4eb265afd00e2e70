import { Hono, type Context } from 'hono';
import type { AuditLog } from '../../core/console/audit';
import type { Branding, PageContext } from '../../render/pages/console/layout';
import { messagePage } from '../../render/pages/console/findings';
import { can, type Capability, type ConsoleUser } from '../../core/console/roles';
import { SESSION_COOKIE, csrfTokenFor, readCookie, sameToken, type SignInService } from '../../core/console/sign-in';

/**
 * What every console function shares: the page headers, the session check (the user pool's ID
 * token in an HttpOnly cookie) on every route but sign-in, the CSRF check on every POST, and
 * refusal by role. The console function and the people function each build their routes on it.
 */
export interface ConsoleKitDeps {
  audit: AuditLog;
  signIn: SignInService;
  /** A keyed hash (the link-signing key's fingerprint): CSRF tokens. */
  fingerprint: (value: string) => string;
  branding: Branding;
  now?: () => Date;
  log?: { served(route: string, status: number): void; failed(route: string, error: Error): void };
}

export type ConsoleEnv = { Variables: { user: ConsoleUser; session: string } };
export type ConsoleContext = Context<ConsoleEnv>;
export type Status = 200 | 400 | 403 | 404 | 409 | 413 | 500;

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // No script at all; frames only from this page's own srcdoc previews; forms post here only.
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
};

export function consoleKit(deps: ConsoleKitDeps) {
  const now = deps.now ?? (() => new Date());
  const app = new Hono<ConsoleEnv>();
  const html = (c: Context, body: string, status: Status = 200) => c.body(body, status, PAGE_HEADERS);
  const context = (c: ConsoleContext): PageContext => {
    const session = c.get('session');
    return { branding: deps.branding, user: c.get('user'), csrf: session ? csrfTokenFor(session, deps.fingerprint) : undefined };
  };
  const message = (c: ConsoleContext, status: Status, title: string, text: string) => html(c, messagePage(context(c), title, text), status);
  const refuse = (c: ConsoleContext, capability: Capability) =>
    can(c.get('user'), capability) ? undefined : message(c, 403, 'Not allowed', 'Your role does not allow this. Ask an editor or an approver.');
  const audit = (c: ConsoleContext, entry: Omit<Parameters<AuditLog['append']>[0], 'who'>) => deps.audit.append({ who: c.get('user').email, ...entry }, now());

  app.use('*', async (c, next) => {
    await next();
    deps.log?.served(`${c.req.method} ${c.req.routePath}`, c.res.status);
  });
  app.onError((error, c) => {
    deps.log?.failed(`${c.req.method} ${c.req.path}`, error);
    return html(c, messagePage({ branding: deps.branding }, 'Something went wrong', 'Nothing more was changed. Try again in a minute.'), 500);
  });

  app.use('/console/*', async (c, next) => {
    if (c.req.path === '/console/sign-in') return next();
    const session = readCookie(c.req.header('cookie'), SESSION_COOKIE);
    const user = session ? await deps.signIn.verify(session) : undefined;
    if (!session || !user) {
      if (c.req.method !== 'GET') return html(c, messagePage({ branding: deps.branding }, 'Sign in first', 'Your session has ended. Sign in, then do it again.'), 403);
      const wanted = c.req.path + (c.req.url.includes('?') ? `?${c.req.url.split('?')[1]}` : '');
      return c.redirect(`/console/sign-in?next=${encodeURIComponent(wanted)}`, 303);
    }
    c.set('user', user);
    c.set('session', session);
    if (c.req.method === 'POST') {
      const form = await c.req.parseBody();
      if (!sameToken(typeof form.csrf === 'string' ? form.csrf : undefined, csrfTokenFor(session, deps.fingerprint))) {
        return message(c, 403, 'The form had expired', 'Nothing was changed. Go back, reload the page, and try again.');
      }
    }
    return next();
  });

  /** Call last: the console's own "not found" page. */
  const finish = () => {
    app.notFound((c) => html(c, messagePage({ branding: deps.branding }, 'Page not found', 'There is no such page in the console.'), 404));
    return app;
  };

  return { app, now, html, context, message, refuse, audit, finish };
}

export type ConsoleKit = ReturnType<typeof consoleKit>;

/** One form field as a trimmed string ('' when absent or a file). */
export const fieldOf = (form: Record<string, unknown>, name: string) => (typeof form[name] === 'string' ? (form[name] as string).trim() : '');
