/** Acknowledging a briefing: the "I have read this briefing" page and what it says after. */
import { type PageResult, page, Button, Form } from './shell';
import { type Errors, errorSummary, TextInputField } from './fields';

/** The longest "what will your team do differently?" answer: one line, as the briefing asks. */
export const ANSWER_MAX_CHARS = 280;

/**
 * "I have read this briefing". Mail scanners pre-fetch links, so the GET only asks; the
 * button's POST records it. The optional answer is stored without the address.
 */
export function acknowledgePage(opts: { token: string; title: string; answer?: string; error?: string; already?: boolean; answered?: boolean }): PageResult {
  const error = opts.error;
  const errors: Errors = new Map(error === undefined ? [] : [['answer', error]]);
  return page({
    status: error === undefined ? 200 : 400,
    title: 'I have read this briefing',
    hasErrors: error !== undefined,
    top: errorSummary(errors, ['answer']),
    body: (
      <>
        <p>Briefing: <strong>{opts.title}</strong></p>
        {/* Answers are kept apart from the person, so one given cannot be found again to change: say so, and ask for none. */}
        {opts.already && opts.answered ? (
          <p>You have already told us you read it, and your team’s answer is saved. Answers are kept without your name or email address, so a saved answer cannot be changed.</p>
        ) : opts.already ? (
          <p>You have already told us you read it. You can still add your team’s answer: one answer is kept, and it cannot be changed afterwards.</p>
        ) : (
          <p>Thank you for reading it. Press the button to let your partnership know. An answer, if you give one, is kept as written and cannot be changed afterwards.</p>
        )}
        {opts.already && opts.answered ? null : (
          <Form action="/acknowledge" token={opts.token}>
            <TextInputField
              name="answer"
              type="text"
              label="What will your team do differently? (optional)"
              hint={`One line, up to ${ANSWER_MAX_CHARS} characters. It is kept apart from your name and email address, with your agency and role and the day only.`}
              value={opts.answer}
              error={error}
              attributes={{ maxlength: ANSWER_MAX_CHARS, autocomplete: 'off' }}
            />
            <Button label={opts.already ? 'Add our answer' : 'I have read this briefing'} />
          </Form>
        )}
      </>
    ),
  });
}

export function acknowledgedPage(opts: { title: string; answered: boolean; masked?: boolean; alreadyAnswered?: boolean }): PageResult {
  return page({
    status: 200,
    title: 'Thank you',
    body: (
      <>
        <p>Your partnership now knows you have read <strong>{opts.title}</strong>.</p>
        {opts.answered ? <p>Your answer is saved, without your name or email address.</p> : null}
        {opts.masked ? <p>It looked as if it held personal details (such as an email address, a phone or NHS number, or a name), so those were hidden before it was saved.</p> : null}
        {opts.alreadyAnswered ? <p>Your team’s answer was saved the first time; it is kept as it was.</p> : null}
        <p>You can close this page.</p>
      </>
    ),
  });
}
