import { createHmac } from 'node:crypto';
import { SESSION_COOKIE, csrfTokenFor, type SignInService } from '../../../shared/core/console/sign-in';
import type { ConsoleUser } from '../../../shared/core/console/roles';
import { consoleApp } from '../../../shared/flows/console/app';
import { memoryStores } from '../../support/fakes';
import { sample } from '../../support/findings';

/**
 * The console's finding routes on in-memory stores, through hono's own request handling: who may
 * approve and publish, the second pair of eyes, the CSRF check, and the audit log. The sign-in is a
 * stand-in that knows three sessions; the real sign-in has its own tests (console-mfa, and the
 * e2e console tests against cognito-local). Example.org addresses only.
 */

const NOW = new Date('2026-03-02T09:00:00.000Z');
const USERS: Record<string, ConsoleUser> = {
  'writer-session': { sub: 'w', email: 'writer@example.org', groups: ['editor'] },
  'chair-session': { sub: 'c', email: 'chair@example.org', groups: ['approver'] },
  'scrutineer-session': { sub: 's', email: 'scrutineer@example.org', groups: ['viewer'] },
};
const signIn: SignInService = {
  signIn: async () => ({ kind: 'refused', message: 'not in this test' }),
  answer: async () => ({ kind: 'refused', message: 'not in this test' }),
  totpSecret: async () => ({ secret: '', session: '' }),
  verify: async (session) => USERS[session],
};
const fingerprint = (value: string) => createHmac('sha256', 'console-test-key').update(value).digest('base64url');

function world() {
  const s = memoryStores();
  const app = consoleApp({ ...s, signIn, fingerprint, branding: { partnershipName: 'Exampleshire Safeguarding Children Partnership' }, now: () => NOW });
  const post = (session: string, path: string, fields: Record<string, string>, csrf = csrfTokenFor(session, fingerprint)) =>
    app.request(path, {
      method: 'POST',
      headers: { cookie: `${SESSION_COOKIE}=${session}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf, ...fields }).toString(),
    });
  const get = (session: string, path: string) => app.request(path, { headers: { cookie: `${SESSION_COOKIE}=${session}` } });
  return { s, post, get, app };
}
const draft = { ...sample, status: 'draft', version: 1, editedBy: 'writer@example.org' };

test('a draft is approved by someone other than its writer, then published; each step is in the audit log', async () => {
  const { s, post } = world();
  await s.findings.putRaw(draft);
  const own = await post('writer-session', '/console/finding/confirm', { id: 'cpie-2022', action: 'approve' });
  expect(own.status).toBe(403);

  const approved = await post('chair-session', '/console/finding/confirm', { id: 'cpie-2022', action: 'approve' });
  expect(approved.status).toBe(303);
  expect(await s.findings.getRaw('cpie-2022')).toMatchObject({ status: 'draft', approvedBy: 'chair@example.org', approvedVersion: 1 });

  const published = await post('writer-session', '/console/finding/confirm', { id: 'cpie-2022', action: 'publish' });
  expect(published.status).toBe(303);
  expect(published.headers.get('location')).toContain('/console/finding?id=cpie-2022');
  expect((await s.findings.getRaw('cpie-2022'))?.status).toBe('published');
  expect(s.audit.entries.map((e) => [e.who, e.findingId])).toEqual([
    ['chair@example.org', 'cpie-2022'],
    ['writer@example.org', 'cpie-2022'],
  ]);
});

test('the scrutineer reads but changes nothing; a form without its CSRF token changes nothing either', async () => {
  const { s, post, get } = world();
  await s.findings.putRaw({ ...draft, approvedBy: 'chair@example.org', approvedVersion: 1 });
  const page = await get('scrutineer-session', '/console/findings');
  expect(page.status).toBe(200);
  expect(await page.text()).toContain(sample.title);
  expect((await post('scrutineer-session', '/console/finding/confirm', { id: 'cpie-2022', action: 'publish' })).status).toBe(403);
  expect((await post('writer-session', '/console/finding/confirm', { id: 'cpie-2022', action: 'publish' }, 'forged')).status).toBe(403);
  expect((await s.findings.getRaw('cpie-2022'))?.status).toBe('draft');
  expect(s.audit.entries).toEqual([]);
});

test('without a session a page sends to sign-in, and a form is refused', async () => {
  const { app } = world();
  const page = await app.request('/console/findings');
  expect(page.status).toBe(303);
  expect(page.headers.get('location')).toBe('/console/sign-in?next=%2Fconsole%2Ffindings');
  const form = await app.request('/console/finding/confirm', { method: 'POST', body: new URLSearchParams({ id: 'cpie-2022', action: 'publish' }) });
  expect(form.status).toBe(403);
});
