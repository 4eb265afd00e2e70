import { erasePerson, lookUpPerson, NotAnAddressError, subjectAccessExport, suppressPerson, type PeopleDeps } from '../people/people';
import { holdsNothing } from '../../core/person-record';
import { consoleKit, fieldOf, type ConsoleKitDeps, type ConsoleContext } from './kit';
import { eraseConfirmPage, peoplePage, personPage } from '../../render/pages/console/people';

export type PeopleAppDeps = ConsoleKitDeps & PeopleDeps;

/**
 * People, for the data-protection lead (an approver): look up what is held for an address, stop
 * mail to it, export it all (subject access) and erase it. Its own function, so only it holds the
 * grants to change subscribers and anonymise the ledger. Addresses travel in POST bodies, never in
 * a URL (which logs and browser history keep), and the audit log records the act, not the address.
 */
export function peopleApp(deps: PeopleAppDeps) {
  const kit = consoleKit(deps);
  const { app, html, context, refuse, audit, now } = kit;

  const withAddress = async (c: ConsoleContext, work: (email: string) => Promise<Response>) => {
    const denied = refuse(c, 'people');
    if (denied) return denied;
    const typed = fieldOf(await c.req.parseBody(), 'email');
    if (!typed) return html(c, peoplePage(context(c), { error: 'Enter the email address to look up.' }), 400);
    try {
      return await work(typed);
    } catch (error) {
      if (error instanceof NotAnAddressError) return html(c, peoplePage(context(c), { email: typed, error: error.message }), 400);
      throw error;
    }
  };
  const showPerson = async (c: ConsoleContext, email: string, notice?: string) => {
    const record = await lookUpPerson(deps, email);
    return html(c, personPage(context(c), { record, empty: holdsNothing(record), notice }));
  };

  app.get('/console/people', (c) => refuse(c, 'people') ?? html(c, peoplePage(context(c), {})));

  app.post('/console/people', (c) =>
    withAddress(c, async (email) => {
      await audit(c, { action: 'looked up a person' });
      return showPerson(c, email);
    }),
  );

  app.post('/console/people/export', (c) =>
    withAddress(c, async (email) => {
      const report = await subjectAccessExport(deps, email, now());
      await audit(c, { action: 'exported the data held for a person (subject access)' });
      // No address in the file name: downloads folders are shared and synced.
      return c.body(`${JSON.stringify(report, null, 2)}\n`, 200, {
        'content-type': 'application/json; charset=utf-8',
        'content-disposition': `attachment; filename="subject-access-${report.exportedAt.slice(0, 10)}.json"`,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      });
    }),
  );

  app.post('/console/people/suppress', (c) =>
    withAddress(c, async (email) => {
      const { existing, unsubscribed } = await suppressPerson(deps, email, 'suppressed by an admin in the console', now());
      if (!existing) await audit(c, { action: 'suppressed an address' });
      const notice = existing
        ? `Already suppressed (${existing.reason}, ${existing.at.slice(0, 10)}).`
        : `Suppressed: no briefing or digest goes to this address.${unsubscribed ? ' Their topic subscription is marked unsubscribed.' : ''}`;
      return showPerson(c, email, notice);
    }),
  );

  app.post('/console/people/erase', (c) =>
    withAddress(c, async (email) => {
      const form = await c.req.parseBody();
      if (fieldOf(form, 'confirmed') !== 'yes') return html(c, eraseConfirmPage(context(c), { record: await lookUpPerson(deps, email) }));
      const erased = await erasePerson(deps, email, now());
      await audit(c, { action: 'erased the data held for a person', detail: `${erased.memberships} list entries, ${erased.ledgerRows} ledger rows anonymised` });
      return html(
        c,
        peoplePage(context(c), {
          notice:
            `Erased: ${erased.hadSubscription ? 'the subscription was removed' : 'there was no subscription'}, ${erased.memberships} list membership(s) removed, ` +
            `${erased.ledgerRows} ledger row(s) anonymised (counts by briefing, agency and role are kept).` +
            (erased.suppressed ? ' The suppression stays, keyed without the address, so nothing is sent to it again.' : ''),
        }),
      );
    }),
  );

  return kit.finish();
}
