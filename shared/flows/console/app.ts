import type { Context } from 'hono';
import { scanFindingAndId } from '../../core/finding/finding-id';
import { renderBriefing } from '../../render/email/briefing';
import { briefingIdOf } from '../../core/delivery';
import { parseFinding, type FieldError } from '../../core/finding/finding';
import type { BriefingStore, DeliveryStore, FindingStore, ListStore, ResponseStore, SettingsStore } from '../../core/ports';
import { versionOf } from '../../core/finding/publication';
import { reportHtml } from '../../render/report/html';
import { AGENCY_IDS, ROLE_IDS } from '../../core/taxonomy';
import { changedFields } from '../../core/finding/corrections';
import { hasIdShape } from '../../core/gate/loggable-id';
import { UnknownFindingError, disseminationFor } from '../report/dissemination';
import { gateLists } from '../publish/gate-lists';
import { consoleKit, type ConsoleKitDeps, type ConsoleEnv } from './kit';
import { listRoutes } from './list-routes';
import { ACTION_LABELS, FINDING_ACTIONS, actionProblem, afterAction, isApproved, savedItem, type FindingAction } from '../../core/console/finding-actions';
import { errorsByField, formFromItem, itemFromForm, type FindingFormValues } from '../../core/console/finding-form';
import { auditPage, challengePage, confirmPage, editPage, findingPage, findingsPage, previewPage, reportsPage, signInPage, type FindingRow } from '../../render/pages/console/findings';
import { SESSION_COOKIE, SIGN_IN_COOKIE, clearedCookie, cookie, randomToken, readCookie, sameToken, type SignInChallenge, type SignInService } from '../../core/console/sign-in';

/**
 * The admin console: server-rendered pages that work without JavaScript. Every route but
 * sign-in needs a session (the user pool's ID token in an HttpOnly cookie); every POST carries
 * the session's CSRF token; what each role may do is in roles.ts. The console writes findings
 * as the AWS console and the CLI do, and the stream and plan-briefing take it from there.
 */
export interface ConsoleDeps extends ConsoleKitDeps {
  findings: FindingStore;
  briefings: BriefingStore;
  deliveries: Pick<DeliveryStore, 'byBriefing'>;
  responses: Pick<ResponseStore, 'byBriefing'>;
  settings: SettingsStore;
  lists: ListStore;
}

const SIGN_IN_STEP_SECONDS = 10 * 60;

export function consoleApp(deps: ConsoleDeps) {
  const kit = consoleKit(deps);
  const { app, now, html, context, message, refuse, audit } = kit;
  const signInForm = (c: Context, form: { email?: string; error?: string; next?: string }, status: 200 | 400 = 200) => {
    const token = randomToken();
    c.header('set-cookie', cookie(SIGN_IN_COOKIE, token, SIGN_IN_STEP_SECONDS), { append: true });
    return html(c, signInPage({ branding: deps.branding }, { token, ...form }), status);
  };
  const safeNext = (next: unknown) => (typeof next === 'string' && /^\/console(\/[a-z/-]*)?(\?[\w=&%.-]*)?$/.test(next) ? next : '/console/findings');

  // --- signing in: the only routes without a session -------------------------------------------
  app.get('/console/sign-in', (c) => signInForm(c, { next: c.req.query('next') }));

  app.post('/console/sign-in', async (c) => {
    const form = await c.req.parseBody();
    const field = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : '');
    const next = safeNext(field('next'));
    // Login CSRF: the form's token must match the cookie set with the form (double submit).
    if (!sameToken(field('token'), readCookie(c.req.header('cookie'), SIGN_IN_COOKIE) ?? '')) {
      return signInForm(c, { email: field('email'), error: 'The sign-in form had expired. Sign in again.', next }, 400);
    }
    const email = field('email').trim();
    const challenge = field('challenge') as SignInChallenge | '';
    let step;
    if (challenge) {
      step = await deps.signIn.answer(challenge, field('session'), email, field('answer').trim());
    } else {
      if (!email || !field('password')) return signInForm(c, { email, error: 'Enter your email address and password.', next }, 400);
      step = await deps.signIn.signIn(email, field('password'));
    }
    const token = field('token');
    if (step.kind === 'refused') {
      if (!challenge) return signInForm(c, { email, error: step.message, next }, 400);
      return html(c, challengePage({ branding: deps.branding }, { token, challenge, session: field('session'), email, error: step.message, next }), 400);
    }
    if (step.kind === 'challenge') {
      let session = step.session;
      let secret: string | undefined;
      if (step.challenge === 'MFA_SETUP') ({ secret, session } = await deps.signIn.totpSecret(step.session));
      return html(c, challengePage({ branding: deps.branding }, { token, challenge: step.challenge, session, email, secret, next }));
    }
    const user = await deps.signIn.verify(step.idToken);
    if (!user) return signInForm(c, { email, error: 'The sign-in could not be checked. Try again.', next }, 400);
    c.header('set-cookie', cookie(SESSION_COOKIE, step.idToken, step.expiresInSeconds), { append: true });
    c.header('set-cookie', clearedCookie(SIGN_IN_COOKIE), { append: true });
    await deps.audit.append({ who: user.email, action: 'signed in' }, now());
    return c.redirect(next, 303);
  });

  app.post('/console/sign-out', async (c) => {
    await audit(c, { action: 'signed out' });
    c.header('set-cookie', clearedCookie(SESSION_COOKIE), { append: true });
    return c.redirect('/console/sign-in', 303);
  });

  // --- findings --------------------------------------------------------------------------------
  const progressOf = async (id: string, version: number | undefined) => {
    if (version === undefined) return undefined;
    for (let v = version; v >= 1; v--) {
      const briefing = await deps.briefings.get(briefingIdOf(id, v));
      if (!briefing) continue;
      const rows = await deps.deliveries.byBriefing(briefing.briefingId);
      return {
        version: v,
        progress: { sent: rows.filter((r) => r.status === 'SENT').length, failed: rows.filter((r) => r.status === 'FAILED').length, recipients: briefing.recipients },
        briefing,
      };
    }
    return undefined;
  };
  const rowOf = async (item: Record<string, unknown>): Promise<FindingRow> => {
    const id = String(item.id);
    const version = versionOf(item);
    const sent = await progressOf(id, version);
    const held = item.status === 'published' && item.pipelineStatus === 'held' ? ((item.pipelineErrors as string[] | undefined) ?? []) : [];
    return {
      id,
      title: typeof item.title === 'string' ? item.title : '',
      status: String(item.status ?? '?'),
      version,
      held,
      approvedBy: isApproved(item) ? String(item.approvedBy) : undefined,
      progress: sent?.progress,
      publishedVersion: sent?.version,
    };
  };

  app.get('/console/findings', async (c) => {
    const items = (await deps.findings.listRaw()).sort((a, b) => String(b.editedAt ?? b.pipelineAt ?? '').localeCompare(String(a.editedAt ?? a.pipelineAt ?? '')));
    const rows = await Promise.all(items.map(rowOf));
    return html(c, findingsPage(context(c), rows, c.req.query('done')));
  });

  const findingView = async (c: Context<ConsoleEnv>, item: Record<string, unknown>) => {
    const parsed = parseFinding({ ...item, status: item.status === 'published' || item.status === 'withdrawn' ? item.status : 'draft' });
    const gate = parsed.ok ? scanFindingAndId(parsed.finding, await gateLists(deps.settings)) : undefined;
    const row = await rowOf(item);
    const user = c.get('user');
    const sent = await progressOf(row.id, row.version);
    const changed = sent && parsed.ok && sent.version !== row.version ? changedFields(sent.briefing.finding, parsed.finding) : undefined;
    const override = item.anonymisationOverride as { by?: string; reason?: string; version?: number } | undefined;
    return {
      row,
      item,
      gate,
      problems: parsed.ok ? [] : parsed.errors.map((e) => e.message),
      changedFields: changed,
      released: override && override.version === row.version ? `${override.by}: ${override.reason}` : undefined,
      actions: FINDING_ACTIONS.map((action) => ({ action, problem: actionProblem(action, item, user, gate, parsed.ok) })).filter(
        ({ action, problem }) => !problem || relevant(action, item),
      ),
    };
  };

  app.get('/console/finding', async (c) => {
    const item = await findingOr404(c);
    if (!item) return message(c, 404, 'Not found', 'There is no finding with that id.');
    return html(c, findingPage(context(c), await findingView(c, item), c.req.query('done')));
  });

  async function findingOr404(c: Context<ConsoleEnv>, id = c.req.query('id')): Promise<Record<string, unknown> | undefined> {
    if (!id || !hasIdShape(id)) return undefined;
    return deps.findings.getRaw(id);
  }

  app.get('/console/finding/edit', async (c) => {
    const denied = refuse(c, 'edit');
    if (denied) return denied;
    const id = c.req.query('id');
    if (!id) return html(c, editPage(context(c), { values: {}, errors: [], isNew: true }));
    const item = await findingOr404(c, id);
    if (!item) return message(c, 404, 'Not found', 'There is no finding with that id.');
    const sent = await progressOf(id, versionOf(item));
    const correcting = item.status !== 'draft' && sent?.version === versionOf(item) ? versionOf(item) : undefined;
    return html(c, editPage(context(c), { values: formFromItem(item), errors: [], isNew: false, correcting }));
  });

  app.post('/console/finding/edit', async (c) => {
    const denied = refuse(c, 'edit');
    if (denied) return denied;
    const values = (await c.req.parseBody({ all: true })) as FindingFormValues;
    const isNew = values.new === 'yes';
    const typed = itemFromForm(values);
    const id = String(typed.id);
    const existing = hasIdShape(id) ? await deps.findings.getRaw(id) : undefined;
    const errors: FieldError[] = [];
    if (isNew && existing) errors.push({ field: 'id', message: `id '${id}' is taken by another finding: choose another.` });
    if (!isNew && !existing) return message(c, 404, 'Not found', 'There is no finding with that id.');
    const sent = existing ? await progressOf(id, versionOf(existing)) : undefined;
    const user = c.get('user');
    const item = savedItem(existing, typed, user, now(), sent?.version === versionOf(existing));
    const parsed = parseFinding(item);
    if (!parsed.ok) errors.push(...parsed.errors);
    if (errors.length) {
      // Nothing is saved and nothing typed is lost: the form comes back with every message by its field.
      return html(c, editPage(context(c), { values, errors: errorsByField(errors), isNew }), 400);
    }
    await deps.findings.putRaw(item);
    await audit(c, { action: isNew ? 'wrote a new finding' : item.version !== versionOf(existing) ? 'started a correction' : 'edited', findingId: id, version: versionOf(item) });
    return c.redirect(`/console/finding?id=${encodeURIComponent(id)}&done=${encodeURIComponent('Saved as a draft. An approver other than you approves it next.')}`, 303);
  });

  app.get('/console/finding/preview', async (c) => {
    const item = await findingOr404(c);
    if (!item) return message(c, 404, 'Not found', 'There is no finding with that id.');
    const parsed = parseFinding({ ...item, status: 'draft' });
    if (!parsed.ok) return message(c, 409, 'Nothing to preview yet', `It has ${parsed.errors.length} problem(s) to fix first: see them on the edit page.`);
    const agency = AGENCY_IDS.find((a) => a === c.req.query('agency')) ?? 'police';
    const role = ROLE_IDS.find((r) => r === c.req.query('role')) ?? 'frontline';
    const rendered = renderBriefing(parsed.finding, { name: '', agency, role }, { unsubscribeUrl: '#preview' }, { issuedAt: now().toISOString(), partnershipName: deps.branding.partnershipName });
    return html(c, previewPage(context(c), { id: parsed.finding.id, title: parsed.finding.title, agency, role, ...rendered }));
  });

  const actionOf = (value: unknown) => FINDING_ACTIONS.find((a) => a === value);

  app.get('/console/finding/confirm', async (c) => {
    const item = await findingOr404(c);
    const action = actionOf(c.req.query('action'));
    if (!item || !action) return message(c, 404, 'Not found', 'There is no such finding or action.');
    const view = await findingView(c, item);
    const problem = actionProblem(action, item, c.get('user'), view.gate, view.problems.length === 0);
    if (problem) return message(c, 403, 'Not now', problem);
    return html(c, confirmPage(context(c), { id: view.row.id, title: view.row.title, action, changedFields: view.changedFields, gate: view.gate }));
  });

  app.post('/console/finding/confirm', async (c) => {
    const form = await c.req.parseBody();
    const item = await findingOr404(c, typeof form.id === 'string' ? form.id : undefined);
    const action = actionOf(form.action);
    if (!item || !action) return message(c, 404, 'Not found', 'There is no such finding or action.');
    const view = await findingView(c, item);
    const user = c.get('user');
    const problem = actionProblem(action, item, user, view.gate, view.problems.length === 0);
    if (problem) return message(c, 403, 'Not now', problem);
    const reason = typeof form.reason === 'string' ? form.reason.trim() : '';
    if (action === 'release' && reason.length < 10) {
      return html(c, confirmPage(context(c), { id: view.row.id, title: view.row.title, action, gate: view.gate, reason, error: 'Say why what the check found is not personal data, in a sentence.' }), 400);
    }
    const updated = afterAction(action, item, user, now(), reason);
    // Only if nobody changed it since this page was read: the version and status it showed.
    const saved = await deps.findings.replaceIf(updated, { version: versionOf(item), status: String(item.status) });
    if (!saved) return message(c, 409, 'It changed meanwhile', 'Someone changed this finding while you looked at it. Nothing was done: open it again and check.');
    await audit(c, { action: ACTION_LABELS[action].done, findingId: view.row.id, version: view.row.version, ...(reason ? { detail: reason } : {}) });
    const done = action === 'publish' ? 'Published: emails go out within minutes. Progress shows below.' : `Done: ${ACTION_LABELS[action].done}.`;
    return c.redirect(`/console/finding?id=${encodeURIComponent(view.row.id)}&done=${encodeURIComponent(done)}`, 303);
  });

  // --- reports and the audit log ----------------------------------------------------------------
  app.get('/console/reports', async (c) => {
    const finding = c.req.query('finding')?.trim() || undefined;
    const from = c.req.query('from')?.trim() || undefined;
    const to = c.req.query('to')?.trim() || undefined;
    const isDate = (v?: string) => !v || (/^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v)));
    if (!isDate(from) || !isDate(to)) return html(c, reportsPage(context(c), { finding, from, to, error: 'Write dates as YYYY-MM-DD, for example 2026-11-01.' }), 400);
    if (!finding && !from && !to && !c.req.query('all')) return html(c, reportsPage(context(c), {}));
    try {
      const { report, description } = await disseminationFor(deps, finding ? { finding } : { from, to }, now());
      return html(c, reportsPage(context(c), { finding, from, to, description, empty: !report, reportHtml: report ? reportHtml(report) : undefined }));
    } catch (error) {
      if (error instanceof UnknownFindingError) return html(c, reportsPage(context(c), { finding, from, to, error: error.message }), 404);
      throw error;
    }
  });

  app.get('/console/audit', async (c) => {
    const asked = c.req.query('month');
    const month = asked && /^\d{4}-(0[1-9]|1[0-2])$/.test(asked) ? asked : now().toISOString().slice(0, 7);
    return html(c, auditPage(context(c), { month, entries: await deps.audit.month(month) }));
  });

  listRoutes(kit, deps.lists);

  app.get('/console', (c) => c.redirect('/console/findings', 303));
  return kit.finish();
}

/** Which actions the finding page lists even when they cannot be done now, to say why. */
function relevant(action: FindingAction, item: Record<string, unknown>): boolean {
  if (action === 'withdraw') return item.status === 'published';
  if (action === 'release') return false;
  return item.status === 'draft';
}
