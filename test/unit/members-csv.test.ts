import { readMembersCsv } from '../../shared/core/members-csv';

/** lists import: one bad row never rejects the file. Good rows are read; each bad one is listed by its line. */

const HEADER = 'email,name,agency,role';

test('a row with a column missing, or one too many, is listed by line; the rows around it are read', () => {
  const { members, bad } = readMembersCsv(
    [HEADER, 'a@example.org,Ann Example,police,frontline', 'b@example.org,Ben Example,police', 'c@example.org,Cat Example,health,dsl', 'd@example.org,Smith, Dee,health,dsl'].join('\n'),
  );
  expect(members.map((m) => m.email)).toEqual(['a@example.org', 'c@example.org']);
  expect(bad).toEqual([
    { line: 3, problems: [expect.stringMatching(/^the row has fewer values than the header's 4 \(email,name,agency,role\)/)] },
    { line: 5, problems: [expect.stringMatching(/^the row has more values than the header's 4 .*quotes around a value that has a comma/)] },
  ]);
  // Not csv-parse's own words.
  expect(JSON.stringify(bad)).not.toMatch(/Invalid Record Length|columns length/);
});

test('a quote never closed is named at its line; the rows before it are read', () => {
  const { members, bad } = readMembersCsv([HEADER, 'a@example.org,Ann Example,police,frontline', 'b@example.org,"Ben Example,police,frontline', 'c@example.org,Cat,health,dsl'].join('\n'));
  expect(members.map((m) => m.email)).toEqual(['a@example.org']);
  expect(bad).toEqual([{ line: 4, problems: [expect.stringContaining('a quote (") opened on this line or one before it is never closed')] }]);
});
