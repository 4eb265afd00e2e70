/** Form fields and their errors, GOV.UK style: each error in a summary at the top and beside its field. */
import type { Child, FC, PropsWithChildren } from 'hono/jsx';
import type { FieldError } from '../../core/finding/finding';
import { ALL_TOPICS, FREQUENCIES, FREQUENCY_LABELS, type SubscriberSummary } from '../../core/subscriber';
import { AGENCIES, labelIn, ROLES, TOPIC_GROUPS, TOPICS } from '../../core/taxonomy';
import { Link } from './shell';

export type FormValues = { email?: string; agency?: string; role?: string; frequency?: string; topics?: string[] };
const ALL_TOPICS_LABEL = 'All topics, including new ones';

// ---- errors, GOV.UK style -----------------------------------------------------------------------

/** The first message for each field, in the order the server gave them. */
export type Errors = ReadonlyMap<string, string>;

export function errorMap(errors: readonly FieldError[] | undefined): Errors {
  const map = new Map<string, string>();
  for (const e of errors ?? []) if (!map.has(e.field)) map.set(e.field, e.message);
  return map;
}

/**
 * Links go to fields on this page only; a message about anything else is shown as plain text.
 * `fieldsOnPage` is in the order the page shows them, and the summary follows it (GOV.UK's
 * pattern): someone working down the list meets the fields in the same order.
 */
export function errorSummary(errors: Errors, fieldsOnPage: readonly string[]): Child {
  if (errors.size === 0) return null;
  const rank = (field: string) => (fieldsOnPage.includes(field) ? fieldsOnPage.indexOf(field) : fieldsOnPage.length);
  const ordered = [...errors].sort(([a], [b]) => rank(a) - rank(b));
  // autofocus moves keyboard and screen-reader users straight to the problem, without JavaScript.
  return (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex={-1} autofocus>
      <h2 id="error-summary-title">There is a problem</h2>
      <ul>{ordered.map(([field, message]) => <li>{fieldsOnPage.includes(field) ? <Link href={`#${field}`} label={message} /> : message}</li>)}</ul>
    </div>
  );
}

const ErrorMessage: FC<{ name: string; message: string | undefined }> = ({ name, message }) =>
  message === undefined ? null : (
    <p class="error-message" id={`${name}-error`}>
      <span class="visually-hidden">Error: </span>
      {message}
    </p>
  );

const describedBy = (ids: (string | false | undefined)[]) => ids.filter(Boolean).join(' ') || undefined;

const FieldWrap: FC<PropsWithChildren<{ error: string | undefined }>> = ({ error, children }) => (
  <div class={`field${error === undefined ? '' : ' field--error'}`}>{children}</div>
);

// ---- fields -------------------------------------------------------------------------------------

/** A one-line text field: label, hint, the error by it, and the input (`attributes`: what only this field sets). */
export const TextInputField: FC<{ name: string; type: string; label: string; hint: string; value: string | undefined; error: string | undefined; attributes: object }> = (props) => (
  <FieldWrap error={props.error}>
    <label class="label" for={props.name}>{props.label}</label>
    <p class="hint" id={`${props.name}-hint`}>{props.hint}</p>
    <ErrorMessage name={props.name} message={props.error} />
    <input
      class="input"
      type={props.type}
      id={props.name}
      name={props.name}
      {...props.attributes}
      value={props.value || undefined}
      aria-describedby={describedBy([`${props.name}-hint`, props.error !== undefined && `${props.name}-error`])}
      aria-invalid={props.error === undefined ? undefined : 'true'}
    />
  </FieldWrap>
);

export const EmailField: FC<{ value: string | undefined; error: string | undefined }> = ({ value, error }) => (
  <TextInputField
    name="email"
    type="email"
    label="Work email address"
    hint="We will send a link to this address to confirm it is yours."
    value={value}
    error={error}
    attributes={{ autocomplete: 'email', spellcheck: 'false' }}
  />
);

const SelectField: FC<{ name: string; label: string; placeholder: string; choices: Record<string, string>; value: string | undefined; error: string | undefined }> = (props) => (
  <FieldWrap error={props.error}>
    <label class="label" for={props.name}>{props.label}</label>
    <ErrorMessage name={props.name} message={props.error} />
    <select
      class="select"
      id={props.name}
      name={props.name}
      aria-describedby={describedBy([props.error !== undefined && `${props.name}-error`])}
      aria-invalid={props.error === undefined ? undefined : 'true'}
    >
      <option value="">{props.placeholder}</option>
      {Object.entries(props.choices).map(([id, optionLabel]) => <option value={id} selected={id === props.value}>{optionLabel}</option>)}
    </select>
  </FieldWrap>
);

/** One checkbox or radio with its label. The group's first control has the id the error links to. */
const Choice: FC<{ type: 'checkbox' | 'radio'; name: string; id: string; value: string; label: string; checked: boolean; invalid: boolean }> = (props) => (
  <div class="choice">
    <input type={props.type} id={props.id} name={props.name} value={props.value} checked={props.checked} aria-invalid={props.invalid ? 'true' : undefined} />
    <label for={props.id}>{props.label}</label>
  </div>
);

/** A group of choices: the fieldset carries the hint and the message; controls follow them. */
const ChoiceGroup: FC<PropsWithChildren<{ name: string; legend: string; hint?: string; error: string | undefined }>> = ({ name, legend, hint, error, children }) => (
  <FieldWrap error={error}>
    <fieldset aria-describedby={describedBy([hint !== undefined && `${name}-hint`, error !== undefined && `${name}-error`])}>
      <legend>{legend}</legend>
      {hint === undefined ? null : <p class="hint" id={`${name}-hint`}>{hint}</p>}
      <ErrorMessage name={name} message={error} />
      {children}
    </fieldset>
  </FieldWrap>
);

const TopicsField: FC<{ selected: readonly string[]; error: string | undefined }> = ({ selected, error }) => {
  const invalid = error !== undefined;
  return (
    <ChoiceGroup name="topics" legend="Which topics do you want briefings about?" hint="Choose all topics, or the ones that fit your work." error={error}>
      <Choice type="checkbox" name="topics" id="topics" value={ALL_TOPICS} label={ALL_TOPICS_LABEL} checked={selected.includes(ALL_TOPICS)} invalid={invalid} />
      {Object.entries(TOPIC_GROUPS).map(([group, ids]) => (
        <fieldset class="topic-group">
          <legend>{group}</legend>
          {ids.map((id) => <Choice type="checkbox" name="topics" id={`topics-${id}`} value={id} label={TOPICS[id]} checked={selected.includes(id)} invalid={invalid} />)}
        </fieldset>
      ))}
    </ChoiceGroup>
  );
};

const FrequencyField: FC<{ value: string | undefined; error: string | undefined }> = ({ value, error }) => {
  const current = FREQUENCIES.includes(value as (typeof FREQUENCIES)[number]) ? value : 'immediately';
  return (
    <ChoiceGroup name="frequency" legend="How often do you want briefings?" error={error}>
      {FREQUENCIES.map((f, i) => (
        <Choice type="radio" name="frequency" id={i === 0 ? 'frequency' : `frequency-${f}`} value={f} label={FREQUENCY_LABELS[f]} checked={f === current} invalid={error !== undefined} />
      ))}
    </ChoiceGroup>
  );
};

/** The choices both the subscribe and the preferences forms ask for, in the same order. */
export const PreferenceFields: FC<{ values: FormValues; errors: Errors }> = ({ values, errors }) => (
  <>
    <SelectField name="agency" label="Your agency" placeholder="Choose your agency" choices={AGENCIES} value={values.agency} error={errors.get('agency')} />
    <SelectField name="role" label="Your role" placeholder="Choose your role" choices={ROLES} value={values.role} error={errors.get('role')} />
    <TopicsField selected={values.topics ?? []} error={errors.get('topics')} />
    <FrequencyField value={values.frequency} error={errors.get('frequency')} />
  </>
);

export const PREFERENCE_FIELDS = ['agency', 'role', 'topics', 'frequency'] as const;

// ---- labels for what a subscriber chose ---------------------------------------------------------

const labelOf = (labels: Record<string, string>, id: string) => labelIn(labels, id) ?? id;

function topicLabels(topics: SubscriberSummary['topics']): string[] {
  return topics === ALL_TOPICS ? [ALL_TOPICS_LABEL] : topics.map((t) => labelOf(TOPICS, t));
}

export const SummaryList: FC<{ summary: SubscriberSummary }> = ({ summary }) => (
  <dl class="summary">
    <dt>Agency</dt><dd>{labelOf(AGENCIES, summary.agency)}</dd>
    <dt>Role</dt><dd>{labelOf(ROLES, summary.role)}</dd>
    <dt>Topics</dt><dd><ul>{topicLabels(summary.topics).map((t) => <li>{t}</li>)}</ul></dd>
    <dt>How often</dt><dd>{labelOf(FREQUENCY_LABELS, summary.frequency)}</dd>
  </dl>
);

export const valuesFrom = (summary: SubscriberSummary): FormValues => ({
  agency: summary.agency,
  role: summary.role,
  frequency: summary.frequency,
  topics: summary.topics === ALL_TOPICS ? [ALL_TOPICS] : [...summary.topics],
});
