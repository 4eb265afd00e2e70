import { alreadySubscribedEmail, confirmationEmail, describeChoice } from '../../shared/render/email/notices';
import { FREQUENCY_LABELS, type Preferences } from '../../shared/core/subscriber';
import { AGENCIES, ROLES, TOPICS } from '../../shared/core/taxonomy';

const CONFIRM_URL = 'https://briefings.example.org/confirm?t=payload.mac';
const MANAGE_URL = 'https://briefings.example.org/preferences?t=payload.mac';
const choice: Preferences = { agency: 'youth_justice', role: 'cp_chair_iro', topics: ['domestic_abuse', 'safe_sleep'], frequency: 'immediately' };

/** The HTML with tags removed and the common entities decoded: what a reader sees. */
const visible = (html: string) =>
  html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

describe('confirmationEmail', () => {
  const email = confirmationEmail(choice, CONFIRM_URL);

  it('has a subject asking to confirm', () => {
    expect(email.subject).toMatch(/^Confirm your subscription/);
  });

  it('lists the choices by their labels in the HTML and the text', () => {
    const labels = [AGENCIES.youth_justice, ROLES.cp_chair_iro, TOPICS.domestic_abuse, TOPICS.safe_sleep, FREQUENCY_LABELS.immediately];
    for (const label of labels) {
      expect(visible(email.html)).toContain(label);
      expect(email.text).toContain(label);
    }
    expect(email.text).toContain('- Topics: Domestic abuse; Safe sleep');
    expect(email.html).toMatch(/<li[^>]*>Agency: Youth justice<\/li>/);
  });

  it('does not show the ids behind the labels', () => {
    for (const id of ['youth_justice', 'cp_chair_iro', 'domestic_abuse', 'safe_sleep', 'immediately']) {
      expect(email.text).not.toContain(id);
      expect(visible(email.html)).not.toContain(id);
    }
  });

  it('"all" topics reads as all topics, including new ones', () => {
    const all = confirmationEmail({ ...choice, topics: 'all', frequency: 'weekly' }, CONFIRM_URL);
    expect(all.text).toContain('Topics: All topics, including new ones');
    expect(all.text).toContain(`How often: ${FREQUENCY_LABELS.weekly}`);
    expect(describeChoice({ ...choice, topics: 'all' })).toContain('Topics: All topics, including new ones');
  });

  it('contains the confirm URL as a link in the HTML and in full in the text', () => {
    expect(email.html).toContain(`href="${CONFIRM_URL}"`);
    expect(email.text).toContain(`Confirm my subscription: ${CONFIRM_URL}`);
  });

  it('says the link works for 48 hours, in both parts', () => {
    expect(visible(email.html)).toContain('48 hours');
    expect(email.text).toContain('48 hours');
  });

  it('tells someone who did not ask that they can ignore it', () => {
    expect(email.text).toMatch(/did not ask for this, ignore this email/);
  });

  it('escapes a hostile URL in the HTML', () => {
    const hostile = 'https://briefings.example.org/confirm?t=a&b="><script>alert(1)</script>';
    const { html, text } = confirmationEmail(choice, hostile);
    expect(html).not.toContain('<script>');
    expect(html.match(/<a /g)).toHaveLength(1);
    expect(html).toContain('href="https://briefings.example.org/confirm?t=a&amp;b=&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(text).toContain(hostile);
  });
});

describe('alreadySubscribedEmail', () => {
  const email = alreadySubscribedEmail(MANAGE_URL);

  it('says the address is already subscribed and nothing changed', () => {
    expect(email.subject).toBe('You already receive safeguarding learning briefings');
    expect(email.text).toContain('nothing has changed');
  });

  it('offers no confirm link or wording', () => {
    expect(email.subject).not.toMatch(/confirm/i);
    expect(email.text).not.toMatch(/confirm/i);
    expect(visible(email.html)).not.toMatch(/confirm/i);
    expect(email.html).not.toContain('/confirm');
  });

  it('includes the manage URL in the HTML and the text', () => {
    expect(email.html).toContain(`href="${MANAGE_URL}"`);
    expect(email.text).toContain(`Manage your preferences: ${MANAGE_URL}`);
  });

  it('does not list any choices (it must not reveal the subscriber’s settings to whoever typed the address)', () => {
    expect(email.text).not.toMatch(/Agency:|Role:|Topics:|How often:/);
  });

  it('escapes a hostile URL in the HTML', () => {
    const { html } = alreadySubscribedEmail("https://briefings.example.org/preferences?t='onmouseover='alert(1)<script>");
    expect(html).not.toContain('<script>');
    expect(html).not.toContain("'onmouseover='");
    expect(html).toContain('&#39;onmouseover=&#39;alert(1)&lt;script&gt;');
  });
});
