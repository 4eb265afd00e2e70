/** A briefing on the web: its address, the page that asks which agency and role to show it for, and the page of a withdrawn one. */
import { AGENCIES } from '../../core/taxonomy';
import { type PageResult, page, Link } from './shell';

// ---- a briefing on the web ----------------------------------------------------------------------

/**
 * Where a briefing can be read in full: the latest version of a published finding, with the
 * actions for one agency and role. It carries no personal link, so it can be shared.
 */
export function briefingPagePath(findingId: string, reader?: { agency: string; role: string }): string {
  const query = new URLSearchParams({ f: findingId, ...(reader ? { agency: reader.agency, role: reader.role } : {}) });
  return `/briefing?${query.toString()}`;
}

/** The agencies to choose from, when a briefing's address names none (its actions are per agency). */
export function chooseAgencyPage(findingId: string, title: string): PageResult {
  return page({
    status: 200,
    title,
    indexable: true,
    body: (
      <>
        <p>Each briefing ends with the actions for your agency. Choose yours:</p>
        <ul class="list">
          {Object.entries(AGENCIES).map(([agency, label]) => <li><Link href={briefingPagePath(findingId, { agency, role: 'frontline' })} label={label} /></li>)}
        </ul>
      </>
    ),
  });
}

/** A withdrawn briefing: 410 Gone, with a short notice. */
export function briefingWithdrawnPage(title: string): PageResult {
  return page({
    status: 410,
    title: 'This briefing was withdrawn',
    body: (
      <>
        <p><strong>{title}</strong> was withdrawn by the partnership. Do not use it.</p>
        <p>To get learning briefings, <Link href="/subscribe" label="subscribe" />.</p>
      </>
    ),
  });
}
