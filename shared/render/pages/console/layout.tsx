import type { Child, FC, PropsWithChildren } from 'hono/jsx';
import { can, type ConsoleUser } from '../../../core/console/roles';

/**
 * The console's page shell and form widgets, in hono's JSX: every value is escaped when the page
 * is rendered, so no caller has to remember to. Raw HTML appears once, named: the email preview
 * goes into an iframe's srcdoc attribute, which is itself escaped.
 * GOV.UK Design System patterns: error summary first, errors by their fields, hints, fieldsets.
 */

export interface Branding {
  partnershipName: string;
  logoUrl?: string;
  contactDetails?: string;
}

export interface PageContext {
  branding: Branding;
  user?: ConsoleUser;
  csrf?: string;
}

const STYLES = `
*{box-sizing:border-box}
body{margin:0;font-family:Arial,Helvetica,sans-serif;font-size:19px;line-height:1.4;color:#0b0c0c;background:#fff}
a{color:#1d70b8}a:visited{color:#4c2c92}a:focus,button:focus,input:focus,select:focus,textarea:focus,summary:focus{outline:3px solid #fd0;outline-offset:0;box-shadow:inset 0 0 0 2px #0b0c0c}
.skip{position:absolute;left:-9999px}.skip:focus{left:8px;top:8px;background:#fd0;padding:8px;z-index:2}
header{background:#0b0c0c;color:#fff;padding:12px 16px}header a{color:#fff}header .brand{font-weight:bold;display:flex;gap:12px;align-items:center;flex-wrap:wrap}
header img{max-height:40px;max-width:160px;background:#fff}
nav ul{list-style:none;margin:8px 0 0;padding:0;display:flex;flex-wrap:wrap;gap:4px 16px}
nav form{display:inline}nav button{background:none;border:0;color:#fff;text-decoration:underline;font:inherit;padding:0;cursor:pointer}
main{max-width:1020px;margin:0 auto;padding:16px}
footer{border-top:1px solid #b1b4b6;padding:16px;font-size:16px;color:#505a5f}
h1{font-size:32px;margin:8px 0 16px}h2{font-size:24px;margin:24px 0 8px}
.hint{color:#505a5f;font-size:16px;margin:0 0 4px}
.field{margin-bottom:20px}.field.error{border-left:5px solid #d4351c;padding-left:12px}
.error-message{color:#d4351c;font-weight:bold;margin:0 0 4px}
label,legend{font-weight:bold;display:block;margin-bottom:4px}
input[type=text],input[type=email],input[type=password],input[type=search],select,textarea{font:inherit;width:100%;max-width:40em;padding:6px;border:2px solid #0b0c0c}
textarea{min-height:6em}
fieldset{border:0;margin:0 0 20px;padding:0}
.checks{display:grid;grid-template-columns:repeat(auto-fill,minmax(16em,1fr));gap:6px 16px}
.checks label{font-weight:normal;display:flex;gap:8px;align-items:flex-start}.checks input{width:22px;height:22px;flex:none}
button,.button{font:inherit;background:#00703c;color:#fff;border:0;box-shadow:0 2px 0 #002d18;padding:8px 14px;cursor:pointer;text-decoration:none;display:inline-block}
.button.secondary,button.secondary{background:#f3f2f1;color:#0b0c0c;box-shadow:0 2px 0 #929191}
button.warning{background:#d4351c;box-shadow:0 2px 0 #55150b}
.actions{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.error-summary{border:5px solid #d4351c;padding:16px;margin-bottom:24px}.error-summary h2{margin-top:0}
.error-summary a{color:#d4351c;font-weight:bold}
.notice{border-left:10px solid #1d70b8;background:#f3f2f1;padding:12px 16px;margin:16px 0}
.notice.warn{border-color:#d4351c}
.table-wrap{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:16px}
th,td{text-align:left;border-bottom:1px solid #b1b4b6;padding:8px 8px 8px 0;vertical-align:top}
.tag{display:inline-block;padding:2px 8px;font-size:14px;font-weight:bold;text-transform:uppercase;background:#dbe6f0;color:#0b0c0c}
.tag.published{background:#cce2d8}.tag.withdrawn{background:#f3f2f1}.tag.held{background:#f6d7d2}
progress{width:100%;max-width:30em;height:20px}
iframe{width:100%;min-height:600px;border:1px solid #b1b4b6}
pre{white-space:pre-wrap;background:#f3f2f1;padding:12px;font-size:15px}
dl{display:grid;grid-template-columns:minmax(8em,14em) 1fr;gap:4px 16px}dt{font-weight:bold}dd{margin:0}
@media (max-width:640px){body{font-size:16px}h1{font-size:26px}dl{grid-template-columns:1fr}iframe{min-height:480px}}
`;

export const Layout: FC<PropsWithChildren<{ title: string; context: PageContext }>> = ({ title, context, children }) => {
  const { branding, user, csrf } = context;
  return (
    <html lang="en-GB">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{`${title} – Briefings console – ${branding.partnershipName}`}</title>
        <style>{STYLES}</style>
      </head>
      <body>
        <a class="skip" href="#main">Skip to main content</a>
        <header>
          <div class="brand">
            {branding.logoUrl ? <img src={branding.logoUrl} alt="" /> : null}
            <span>{branding.partnershipName}: briefings console</span>
          </div>
          {user ? (
            <nav aria-label="Console">
              <ul>
                <li><a href="/console/findings">Findings</a></li>
                {can(user, 'edit') ? <li><a href="/console/lists">Lists</a></li> : null}
                {can(user, 'people') ? <li><a href="/console/people">People</a></li> : null}
                <li><a href="/console/reports">Reports</a></li>
                <li><a href="/console/audit">Audit log</a></li>
                <li><a href="/archive">Public archive</a></li>
                <li>
                  <form method="post" action="/console/sign-out">
                    <input type="hidden" name="csrf" value={csrf ?? ''} />
                    <button type="submit">Sign out ({user.email})</button>
                  </form>
                </li>
              </ul>
            </nav>
          ) : null}
        </header>
        <main id="main">
          <h1>{title}</h1>
          {children}
        </main>
        <footer>
          {branding.partnershipName}
          {branding.contactDetails ? <> · {branding.contactDetails}</> : null}
          {user ? <> · Signed in as {user.email} ({user.groups.join(', ') || 'no role'})</> : null}
        </footer>
      </body>
    </html>
  );
};

/** Renders a page: the doctype, then the escaped tree. */
export const page = (node: Child) => `<!DOCTYPE html>${String(node)}`;

/** The messages by form field, as the pages' error summaries and fields show them. */
export type FieldErrors = { field: string; messages: string[] }[];
export const errorsFor = (errors: FieldErrors, field: string) => errors.find((entry) => entry.field === field)?.messages;

/** A taxonomy's ids with their labels, as checkbox and select options. */
export const choicesOf = <T extends Record<string, string>>(labels: T, ids: readonly (keyof T & string)[]) => ids.map((id) => ({ value: id, label: labels[id]! }));

export const fieldId = (name: string) => `f-${name.replace(/[^A-Za-z0-9]+/g, '-')}`;

export const ErrorSummary: FC<{ errors: FieldErrors }> = ({ errors }) =>
  errors.length ? (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex={-1}>
      <h2 id="error-summary-title">There is a problem</h2>
      <ul>
        {errors.flatMap(({ field, messages }) => messages.map((message) => <li><a href={`#${fieldId(field)}`}>{message}</a></li>))}
      </ul>
    </div>
  ) : null;

export const CsrfField: FC<{ csrf?: string }> = ({ csrf }) => <input type="hidden" name="csrf" value={csrf ?? ''} />;

interface FieldProps {
  name: string;
  label: string;
  hint?: string;
  errors?: string[];
}

const FieldShell: FC<PropsWithChildren<FieldProps>> = ({ name, label, hint, errors, children }) => (
  <div class={errors?.length ? 'field error' : 'field'}>
    <label for={fieldId(name)}>{label}</label>
    {hint ? <p class="hint" id={`${fieldId(name)}-hint`}>{hint}</p> : null}
    {(errors ?? []).map((message) => <p class="error-message" id={`${fieldId(name)}-error`}><span class="skip">Error: </span>{message}</p>)}
    {children}
  </div>
);

const describedBy = ({ name, hint, errors }: FieldProps) =>
  [hint ? `${fieldId(name)}-hint` : '', errors?.length ? `${fieldId(name)}-error` : ''].filter(Boolean).join(' ') || undefined;

export const TextField: FC<FieldProps & { value?: string; type?: string; autocomplete?: string; readonly?: boolean }> = (props) => (
  <FieldShell {...props}>
    <input
      type={props.type ?? 'text'}
      id={fieldId(props.name)}
      name={props.name}
      value={props.value ?? ''}
      autocomplete={props.autocomplete}
      readonly={props.readonly}
      aria-describedby={describedBy(props)}
      aria-invalid={props.errors?.length ? 'true' : undefined}
    />
  </FieldShell>
);

export const TextArea: FC<FieldProps & { value?: string; rows?: number }> = (props) => (
  <FieldShell {...props}>
    <textarea id={fieldId(props.name)} name={props.name} rows={props.rows ?? 5} aria-describedby={describedBy(props)} aria-invalid={props.errors?.length ? 'true' : undefined}>
      {props.value ?? ''}
    </textarea>
  </FieldShell>
);

export const Select: FC<FieldProps & { value?: string; options: readonly { value: string; label: string }[] }> = (props) => (
  <FieldShell {...props}>
    <select id={fieldId(props.name)} name={props.name} aria-describedby={describedBy(props)}>
      <option value="">Choose one</option>
      {props.options.map((option) => <option value={option.value} selected={option.value === props.value}>{option.label}</option>)}
    </select>
  </FieldShell>
);

export const Checkboxes: FC<FieldProps & { values: readonly string[]; options: readonly { value: string; label: string; hint?: string }[] }> = (props) => (
  <fieldset class={props.errors?.length ? 'field error' : 'field'} id={fieldId(props.name)} aria-describedby={describedBy(props)}>
    <legend>{props.label}</legend>
    {props.hint ? <p class="hint" id={`${fieldId(props.name)}-hint`}>{props.hint}</p> : null}
    {(props.errors ?? []).map((message) => <p class="error-message" id={`${fieldId(props.name)}-error`}><span class="skip">Error: </span>{message}</p>)}
    <div class="checks">
      {props.options.map((option) => (
        <label>
          <input type="checkbox" name={props.name} value={option.value} checked={props.values.includes(option.value)} />
          <span>
            {option.label}
            {option.hint ? <span class="hint"><br />{option.hint}</span> : null}
          </span>
        </label>
      ))}
    </div>
  </fieldset>
);

export const Notice: FC<PropsWithChildren<{ warn?: boolean }>> = ({ warn, children }) => <div class={warn ? 'notice warn' : 'notice'} role="status">{children}</div>;
