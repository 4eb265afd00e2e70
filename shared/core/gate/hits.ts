/** A gate hit as the admin sees it: the match masked, and what to do about it. */
import { INVISIBLE } from './text-views';
import type { GateRule, GateHit } from './identifier-rules';

const MASK = '•';

/**
 * The match with every letter and digit but the last two replaced by '•', other characters
 * kept ('943 476 5919' → '••• ••• ••19'). A match with two or fewer letters and digits keeps
 * one at most. Deny-list words keep only their first letter ('Zoë' → 'Z••'); names the first
 * letter of each word ('Jane Smith' → 'J••• S••••').
 */
export function maskMatch(match: string, rule: GateRule): string {
  // One line, whatever the match spanned: messages are shown one per line.
  const chars = [...match].filter((char) => !INVISIBLE.test(char)).map((char) => (/\s/u.test(char) ? ' ' : char));
  if (rule === 'person-name') {
    // 'Jane Smith' → 'J••• S••••': enough to find it in the text, not enough to read it.
    return chars.map((char, i) => (/[\p{L}\p{N}]/u.test(char) && /[\p{L}\p{N}]/u.test(chars[i - 1] ?? ' ') ? MASK : char)).join('');
  }
  if (rule === 'deny-list') {
    if (chars.length <= 1) return MASK.repeat(chars.length);
    return chars[0] + MASK.repeat(chars.length - 1);
  }
  const isAlnum = (char: string) => /[\p{L}\p{N}]/u.test(char);
  const total = chars.filter(isAlnum).length;
  const keep = Math.min(2, Math.max(0, total - 1));
  let seen = 0;
  return chars
    .map((char) => {
      if (!isAlnum(char)) return char;
      seen += 1;
      return seen > total - keep ? char : MASK;
    })
    .join('');
}

const DESCRIBE: Record<GateRule, Record<'block' | 'warn', (masked: string) => string>> = {
  'nhs-number': {
    block: (m) => `an NHS number (${m}). Remove it or describe it without the number.`,
    warn: (m) =>
      `a 10-digit number (${m}). It fails the NHS number check, but it may be another identifier such as a case or record number: if it is, remove it.`,
  },
  'ni-number': {
    block: (m) => `a National Insurance number (${m}). Remove it.`,
    warn: (m) =>
      `what may be a National Insurance number (${m}). If it is one, remove it; if it is an ordinary word and a number, you can leave it.`,
  },
  postcode: {
    block: (m) => `a postcode (${m}). Remove it, or describe the area in general terms.`,
    warn: (m) => `what may be a postcode (${m}). If it is one, remove it.`,
  },
  date: {
    block: (m) => `an exact date (${m}). Give the month and year, or a period such as "in spring 2021", instead.`,
    warn: (m) =>
      `what may be an exact date (${m}). If it is a date, give the month and year instead; if it is a paragraph or version number, you can leave it.`,
  },
  phone: {
    block: (m) => `a phone number (${m}). Remove it; point readers to a service's public web page instead.`,
    warn: (m) => `what may be a phone number (${m}). If it is one, remove it.`,
  },
  email: {
    block: (m) => `an email address (${m}). Remove it; point readers to a service's public web page instead.`,
    warn: (m) => `what may be an email address (${m}). If it is one, remove it.`,
  },
  'person-name': {
    block: (m) =>
      `what looks like a person's name (${m}). Write a role instead ("the mother", "the child"); if it is a public name or a pseudonym such as "Child Q", add it to the allow list (npm run cli -- allowlist add).`,
    warn: (m) => `what may be a person's name (${m}). If it is one, write a role instead.`,
  },
  'deny-list': {
    block: (m) => `a word on this deployment's deny list (${m}). Remove it, or write a role such as "the child" or "the school" instead.`,
    warn: (m) => `a word on this deployment's deny list (${m}). Check that it does not identify anyone.`,
  },
};

export function makeHit(field: string, position: number, match: string, rule: GateRule, severity: 'block' | 'warn'): GateHit {
  const masked = maskMatch(match, rule);
  const message = `${field}, character ${position + 1}: ${DESCRIBE[rule][severity](masked)}`;
  return { field, position, length: match.length, rule, masked, severity, message };
}
