import type { Child, FC, PropsWithChildren } from 'hono/jsx';
import { raw } from 'hono/html';

/**
 * The server-rendered public pages (subscriptions, acknowledgements, the briefing's web page).
 * No I/O and no JavaScript: the server's CSP allows inline styles and same-origin form posts
 * only. Written in hono's JSX, so every value from a request or a store is escaped when the page
 * is rendered, whoever wrote the caller. Links are root-relative because the pages may sit
 * behind API Gateway at any host. This module is their shell: the partnership's branding, the
 * style sheet, the document, and the small parts every page uses.
 */

export interface PageResult {
  status: number;
  html: string;
}

const SERVICE = 'Safeguarding learning briefings';

/**
 * The deployment's partnership, named in every page's header and footer. Set once, when the
 * pages function starts (from PARTNERSHIP_NAME, like the rest of its configuration); unset, the
 * pages say "your local safeguarding children partnership".
 */
let partnershipName: string | undefined;
/** Branding: the partnership's logo (https only) in the header, its contact details in the footer. */
let logoUrl: string | undefined;
let contactDetails: string | undefined;
export function configurePages(options: { partnershipName?: string; logoUrl?: string; contactDetails?: string }): void {
  partnershipName = options.partnershipName?.trim() || undefined;
  logoUrl = options.logoUrl?.startsWith('https://') ? options.logoUrl : undefined;
  contactDetails = options.contactDetails?.trim() || undefined;
}
const footerText = () => `Safeguarding learning briefings from ${partnershipName ?? 'your local safeguarding children partnership'}.`;
const headerText = () => (partnershipName ? `${partnershipName}: ${SERVICE.toLowerCase()}` : SERVICE);

// ---- look: the briefing email's palette and column, so page and email feel like one service ----

const TEXT = '#1b1b1b';
const LINK = '#1d4f91';
const ERROR = '#b10e1e'; // darker than GOV.UK red so error text stays well above 4.5:1 on white
const SUCCESS = '#00703c';
const HINT = '#505a5f';
const FOCUS = '#ffdd00';

const STYLE = [
  '*,*::before,*::after{box-sizing:border-box}',
  'html{-webkit-text-size-adjust:100%;text-size-adjust:100%}',
  `body{margin:0;background-color:#ffffff;color:${TEXT};font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;overflow-wrap:anywhere}`,
  '.header,main,.footer{max-width:600px;margin:0 auto;padding:16px}',
  `.header{border-bottom:4px solid ${LINK};font-weight:bold;font-size:18px}`,
  `.footer{border-top:1px solid #8a8a8a;margin-top:32px}`,
  '.logo{display:block;max-height:48px;max-width:240px;margin:0 0 8px}',
  'h1{font-size:26px;line-height:1.25;margin:8px 0 16px}',
  'h2{font-size:20px;line-height:1.3;margin:28px 0 8px}',
  'p,ul,dl{margin:0 0 16px}',
  `a{color:${LINK};text-decoration:underline}`,
  'a:hover{text-decoration-thickness:3px}',
  // One visible focus style for every control; links also get a yellow background, as on GOV.UK.
  `:focus-visible{outline:3px solid ${TEXT};outline-offset:3px}`,
  `a:focus-visible{background-color:${FOCUS};color:${TEXT};text-decoration:none}`,
  '.lead{font-size:18px}',
  `.hint{color:${HINT};margin:0 0 8px}`,
  '.field{margin:0 0 24px}',
  `.field--error{border-left:5px solid ${ERROR};padding-left:12px}`,
  '.label{display:block;font-weight:bold;margin:0 0 4px}',
  `.error-message{color:${ERROR};font-weight:bold;margin:0 0 8px}`,
  `.input,.select{display:block;width:100%;min-height:44px;padding:8px;font:inherit;color:${TEXT};background-color:#ffffff;border:2px solid ${TEXT};border-radius:0}`,
  `.field--error .input,.field--error .select{border-color:${ERROR}}`,
  'fieldset{margin:0;padding:0;border:0;min-width:0}',
  'legend{display:table;max-width:100%;white-space:normal;padding:0;margin:0 0 4px;font-weight:bold;font-size:18px}',
  '.topic-group{margin:16px 0 0}',
  '.topic-group legend{font-size:16px}',
  // Native controls, enlarged: the box and its label together make a target at least 44px high.
  '.choice{display:flex;align-items:flex-start;gap:12px;min-height:44px}',
  `.choice input{flex:0 0 auto;width:28px;height:28px;margin:8px 0;accent-color:${LINK}}`,
  '.choice label{flex:1 1 auto;padding:10px 0;cursor:pointer}',
  `.button{display:inline-block;min-height:44px;max-width:100%;margin:0 0 16px;padding:10px 20px;font:inherit;font-weight:bold;line-height:1.25;color:#ffffff;background-color:${LINK};border:2px solid ${LINK};border-radius:4px;cursor:pointer}`,
  '.button:hover{background-color:#163d70}',
  `.button--warning{color:#ffffff;background-color:${ERROR};border-color:${ERROR}}`,
  '.button--warning:hover{background-color:#8a0b17}',
  '@media (max-width:640px){.button{width:100%}}',
  `.error-summary{border:5px solid ${ERROR};padding:16px;margin:0 0 24px}`,
  '.error-summary h2{margin-top:0}',
  '.error-summary ul{list-style:none;padding:0;margin:0}',
  `.error-summary a{color:${ERROR};font-weight:bold}`,
  `.banner{border:5px solid ${SUCCESS};padding:16px;margin:0 0 24px;font-weight:bold}`,
  '.banner p{margin:0}',
  '.summary dt{font-weight:bold}',
  '.summary dd{margin:0 0 12px}',
  '.summary ul{margin:0;padding-left:20px}',
  '.section{margin-top:32px;padding-top:8px;border-top:1px solid #8a8a8a}',
  '.visually-hidden{position:absolute!important;width:1px!important;height:1px!important;margin:0!important;padding:0!important;overflow:hidden!important;clip:rect(0 0 0 0)!important;clip-path:inset(50%)!important;border:0!important;white-space:nowrap!important}',
].join('\n');

// ---- the document shell -------------------------------------------------------------------------

interface Shell {
  status: number;
  /** The page's name: the <title> (before the service name) and, by default, the <h1>. */
  title: string;
  /** What <main> holds after the <h1>. */
  body: Child;
  /** What <main> holds before the <h1>: the error summary or a success banner. */
  top?: Child;
  heading?: string;
  hasErrors?: boolean;
  /** Only the subscribe page is meant to be found by search engines. */
  indexable?: boolean;
}

export function page(shell: Shell): PageResult {
  const title = `${shell.hasErrors ? 'Error: ' : ''}${shell.title} – ${SERVICE}`;
  const document = (
    <html lang="en-GB" dir="ltr">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light" />
        {/* Page addresses can carry a signed link; never pass them on to another site. */}
        <meta name="referrer" content="no-referrer" />
        {shell.indexable ? null : <meta name="robots" content="noindex, nofollow" />}
        <title>{title}</title>
        {/* The one raw string: the page's own constant style sheet. */}
        <style>{raw(`\n${STYLE}\n`)}</style>
      </head>
      <body>
        <header class="header">
          {logoUrl ? <img class="logo" src={logoUrl} alt="" /> : null}
          {headerText()}
        </header>
        <main id="main">
          {shell.top}
          <h1>{shell.heading ?? shell.title}</h1>
          {shell.body}
        </main>
        <footer class="footer">
          <p>{footerText()}</p>
          {contactDetails ? <p>{contactDetails}</p> : null}
        </footer>
      </body>
    </html>
  );
  // Boolean attributes in HTML's short form (`selected`, not `selected=""`), as these pages have always
  // been written. Only markup can match: every quote in text or a value is escaped to &quot;.
  const html = String(document).replace(/ (selected|checked|novalidate|autofocus)=""/g, ' $1');
  return { status: shell.status, html: `<!DOCTYPE html>\n${html}\n` };
}

export const Link: FC<{ href: string; label: string }> = ({ href, label }) => <a href={href}>{label}</a>;
export const Button: FC<{ label: string; warning?: boolean }> = ({ label, warning }) => (
  <button type="submit" class={`button${warning ? ' button--warning' : ''}`}>{label}</button>
);

/** Every form posts; `t` carries the signed link so the server can check it again on POST. */
export const Form: FC<PropsWithChildren<{ action: string; token?: string }>> = ({ action, token, children }) => (
  // novalidate: the server's messages (in the error summary) replace the browser's bubbles.
  <form method="post" action={action} novalidate>
    {token === undefined ? null : <input type="hidden" name="t" value={token} />}
    {children}
  </form>
);

export function tooManyRequestsPage(): PageResult {
  return page({
    status: 429,
    title: 'Too many requests',
    body: <><p>There have been too many requests in a short time.</p><p>Please try again in an hour.</p></>,
  });
}

export function notFoundPage(): PageResult {
  return page({
    status: 404,
    title: 'Page not found',
    body: (
      <>
        <p>If you typed the web address, check it is correct. If you used a link from an email, copy the whole link.</p>
        <p>To get learning briefings, <Link href="/subscribe" label="subscribe" />.</p>
      </>
    ),
  });
}

export function serverErrorPage(): PageResult {
  return page({ status: 500, title: 'Sorry, there is a problem with the service', body: <p>Please try again later.</p> });
}
