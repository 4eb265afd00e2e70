/** The public archive's pages: the index (with search, by topic and agency) and the Atom feed. hono's JSX and html`` escape every value. */
import { html } from 'hono/html';
import type { FC, PropsWithChildren } from 'hono/jsx';
import type { Briefing } from '../../core/ports';
import { briefingPagePath } from './briefing';
import { AGENCIES, AGENCY_IDS, TOPICS, TOPIC_IDS } from '../../core/taxonomy';
import type { Branding } from './console/layout';

/** What a reader asked the archive for: search words, a topic, an agency. */
export interface ArchiveQuery {
  q?: string;
  topic?: string;
  agency?: string;
}

const STYLES = `body{margin:0;font-family:Arial,Helvetica,sans-serif;font-size:19px;line-height:1.4;color:#0b0c0c}
a{color:#1d70b8}a:focus,input:focus,select:focus,button:focus{outline:3px solid #fd0;box-shadow:inset 0 0 0 2px #0b0c0c}
header{background:#0b0c0c;color:#fff;padding:12px 16px;font-weight:bold}header img{max-height:40px;background:#fff;vertical-align:middle;margin-right:12px}
main{max-width:960px;margin:0 auto;padding:16px}footer{border-top:1px solid #b1b4b6;padding:16px;font-size:16px;color:#505a5f}
label{font-weight:bold;display:block;margin:8px 0 4px}input,select{font:inherit;padding:6px;border:2px solid #0b0c0c;width:100%;max-width:30em}
button{font:inherit;background:#00703c;color:#fff;border:0;padding:8px 14px;margin-top:12px;cursor:pointer}
ol{padding-left:0;list-style:none}li.item{border-bottom:1px solid #b1b4b6;padding:12px 0}.meta{color:#505a5f;font-size:16px}
@media (max-width:640px){body{font-size:16px}}`;

const PublicLayout: FC<PropsWithChildren<{ title: string; branding: Branding; feedUrl?: string }>> = ({ title, branding, feedUrl, children }) => (
  <html lang="en-GB">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{`${title} – ${branding.partnershipName}`}</title>
      {feedUrl ? <link rel="alternate" type="application/atom+xml" title="Learning briefings" href={feedUrl} /> : null}
      <style>{STYLES}</style>
    </head>
    <body>
      <header>
        {branding.logoUrl ? <img src={branding.logoUrl} alt="" /> : null}
        {branding.partnershipName}
      </header>
      <main>
        <h1>{title}</h1>
        {children}
      </main>
      <footer>
        {branding.partnershipName}
        {branding.contactDetails ? <> · {branding.contactDetails}</> : null} · <a href="/subscribe">Get these briefings by email</a>
      </footer>
    </body>
  </html>
);

const dateOf = (iso: string) => new Date(iso).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });

/** `shown`: the briefings the query found (flows/archive/archive.ts). */
export function archiveIndexPage(branding: Branding, shown: Briefing[], query: ArchiveQuery): string {
  const reader = query.agency ? { agency: query.agency, role: 'frontline' } : undefined;
  return `<!DOCTYPE html>${String(
    <PublicLayout title="Learning briefings" branding={branding} feedUrl="/archive/feed.atom">
      <p>Every 7-minute learning briefing the partnership has published, newest first. <a href="/archive/feed.atom">Follow the Atom feed</a>.</p>
      <form method="get" action="/archive" role="search">
        <label for="q">Search</label>
        <input type="search" id="q" name="q" value={query.q ?? ''} />
        <label for="topic">Topic</label>
        <select id="topic" name="topic">
          <option value="">Any topic</option>
          {TOPIC_IDS.map((id) => <option value={id} selected={id === query.topic}>{TOPICS[id]}</option>)}
        </select>
        <label for="agency">Agency</label>
        <select id="agency" name="agency">
          <option value="">Any agency</option>
          {AGENCY_IDS.map((id) => <option value={id} selected={id === query.agency}>{AGENCIES[id]}</option>)}
        </select>
        <br />
        <button type="submit">Show briefings</button>
      </form>
      <h2>{shown.length === 1 ? '1 briefing' : `${shown.length} briefings`}</h2>
      <ol>
        {shown.map(({ finding, plannedAt, version }) => (
          <li class="item">
            <a href={briefingPagePath(finding.id, reader)}>{finding.title}</a>
            <div class="meta">
              Issued {dateOf(plannedAt)}
              {version > 1 ? ` (corrected, version ${version})` : ''} · {finding.topics.map((t) => TOPICS[t as keyof typeof TOPICS] ?? t).join(', ')}
            </div>
          </li>
        ))}
      </ol>
    </PublicLayout>,
  )}`;
}

/** RFC 4287 Atom: one entry per current briefing, linking to its page. */
export function atomFeed(branding: Branding, baseUrl: string, all: Briefing[], now: Date): string {
  const base = baseUrl.replace(/\/$/, '');
  const updated = all[0]?.plannedAt ?? now.toISOString();
  const entries = all.map(
    ({ finding, plannedAt, version }) => html`<entry>
<id>${base}${briefingPagePath(finding.id)}&amp;v=${String(version)}</id>
<title>${finding.title}</title>
<updated>${plannedAt}</updated>
<link rel="alternate" type="text/html" href="${base}${briefingPagePath(finding.id)}"/>
<summary>${finding.whyItMatters.slice(0, 400)}</summary>
${finding.topics.map((topic) => html`<category term="${topic}"/>`)}
</entry>`,
  );
  return String(html`<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<id>${base}/archive</id>
<title>${branding.partnershipName}: learning briefings</title>
<updated>${updated}</updated>
<author><name>${branding.partnershipName}</name></author>
<link rel="self" type="application/atom+xml" href="${base}/archive/feed.atom"/>
<link rel="alternate" type="text/html" href="${base}/archive"/>
${entries}
</feed>
`);
}
