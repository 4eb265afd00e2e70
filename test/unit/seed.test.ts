import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFinding } from '../../shared/core/finding/finding';
import { distributionListSchema, memberSchema } from '../../shared/core/audience';

/** The local demo's seed data: valid, drafts only, fictional and free of personal data. */

const seedDir = join(__dirname, '..', '..', 'infra', 'local', 'seed');
const findingsDir = join(seedDir, 'findings');

const findingFiles = readdirSync(findingsDir)
  .filter((file) => file.endsWith('.json'))
  .sort();
const findings = findingFiles.map((file) => ({
  file,
  raw: JSON.parse(readFileSync(join(findingsDir, file), 'utf8')) as Record<string, unknown>,
}));
const lists = JSON.parse(readFileSync(join(seedDir, 'lists.json'), 'utf8')) as Array<Record<string, unknown>>;

/** Every string anywhere in a value, with the path it sits at. */
function strings(value: unknown, path = ''): Array<{ path: string; text: string }> {
  if (typeof value === 'string') return [{ path, text: value }];
  if (Array.isArray(value)) return value.flatMap((item, index) => strings(item, `${path}[${index}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => strings(item, path ? `${path}.${key}` : key));
  }
  return [];
}

const allText = [
  ...findings.flatMap(({ file, raw }) => strings(raw).map((s) => ({ ...s, where: `${file}: ${s.path}` }))),
  ...strings(lists).map((s) => ({ ...s, where: `lists.json: ${s.path}` })),
  { path: '', text: readFileSync(join(seedDir, 'README.md'), 'utf8'), where: 'README.md' },
];

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;

const forbidden: Array<{ what: string; pattern: RegExp }> = [
  { what: 'd/m/y dates', pattern: /\b\d{1,2}[\/.-]\d{1,2}[\/.-]\d{2,4}\b/ },
  { what: 'UK postcodes', pattern: /\b(?:GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})\b/i },
  { what: '10-digit runs', pattern: /\d{10}/ },
  { what: 'NHS-style 3-3-4 numbers', pattern: /\b\d{3}[ -]\d{3}[ -]\d{4}\b/ },
  { what: 'mobile numbers', pattern: /\b07\d{3} ?\d{6}\b|07\d{9}/ },
  { what: '+44 numbers', pattern: /\+44/ },
  { what: 'National Insurance numbers', pattern: /\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]?\b/ },
];

describe('seed findings', () => {
  it('has at least six findings', () => {
    expect(findings.length).toBeGreaterThanOrEqual(6);
  });

  it.each(findings.map((f) => [f.file, f.raw] as const))('%s passes parseFinding', (_file, raw) => {
    const result = parseFinding(raw);
    if (!result.ok) {
      // Show exactly which fields are wrong, in the admin-facing wording.
      console.error(`${_file}:\n${result.errors.map((e) => `  - ${e.field}: ${e.message}`).join('\n')}`);
    }
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it.each(findings.map((f) => [f.file, f.raw] as const))('%s is a draft at version 1 named after its id', (file, raw) => {
    expect(raw.status).toBe('draft');
    expect(raw.version).toBe(1);
    expect(file).toBe(`${String(raw.id)}.json`);
  });

  it('has unique ids', () => {
    const ids = findings.map((f) => f.raw.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(findings.map((f) => [f.file, f.raw] as const))('%s tailors actions for "all" and at least three agencies', (_file, raw) => {
    const actions = raw.actions as Record<string, unknown>;
    expect(Object.keys(actions)).toContain('all');
    expect(Object.keys(actions).filter((key) => key !== 'all').length).toBeGreaterThanOrEqual(3);
  });

  it('says plainly that a made-up audit is made up', () => {
    const audits = findings.filter((f) => (f.raw.source as { type?: string }).type === 'audit');
    for (const { raw } of audits) {
      expect(`${(raw.source as { name: string }).name} ${String(raw.background)}`).toMatch(/fictional|made up|made-up/i);
    }
  });
});

describe('seed distribution lists', () => {
  it('has lists with unique ids', () => {
    const ids = lists.map((l) => l.id);
    expect(lists.length).toBeGreaterThan(0);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(lists.map((l) => [String(l.id), l] as const))('%s passes distributionListSchema and memberSchema', (_id, list) => {
    const parsed = distributionListSchema.safeParse(list);
    if (!parsed.success) console.error(`${_id}: ${JSON.stringify(parsed.error.issues, null, 2)}`);
    expect(parsed.success).toBe(true);

    const members = list.members as unknown[];
    expect(Array.isArray(members)).toBe(true);
    expect(members.length).toBeGreaterThanOrEqual(3);
    expect(members.length).toBeLessThanOrEqual(8);
    for (const member of members) {
      const m = memberSchema.safeParse(member);
      if (!m.success) console.error(`${_id}: ${JSON.stringify(member)}: ${JSON.stringify(m.error.issues, null, 2)}`);
      expect(m.success).toBe(true);
      expect((member as { email: string }).email).toMatch(/@example\.org$/);
    }
  });

  it('puts at least one person on three lists, so de-duplication shows', () => {
    const counts = new Map<string, number>();
    for (const list of lists) {
      for (const member of list.members as Array<{ email: string }>) {
        const email = member.email.trim().toLowerCase();
        counts.set(email, (counts.get(email) ?? 0) + 1);
      }
    }
    expect(Math.max(...counts.values())).toBeGreaterThanOrEqual(3);
  });
});

describe('seed anonymisation sanity check', () => {
  it('holds no email address outside example.org', () => {
    const offenders = allText.flatMap(({ text, where }) =>
      (text.match(EMAIL) ?? []).filter((email) => !/@example\.org$/i.test(email)).map((email) => `${where}: ${email}`),
    );
    expect(offenders).toEqual([]);
  });

  it.each(forbidden.map((f) => [f.what, f.pattern] as const))('holds no %s', (_what, pattern) => {
    const offenders = allText
      .filter(({ text }) => pattern.test(text))
      .map(({ text, where }) => `${where}: ${text.match(pattern)?.[0]}`);
    expect(offenders).toEqual([]);
  });
});
