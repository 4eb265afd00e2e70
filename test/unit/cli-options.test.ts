import { runCapturing } from '../support/cli';
import { COMMANDS, HELP } from '../../cli/main';

/** A mistyped option gets one line naming it, then that command's own usage: not Node's message and the whole help. */

test('an unknown option is named, with the usage of the command it was given to', async () => {
  const { code, err, out } = await runCapturing(['findings', 'list', '--bogus'], {});
  expect(code).toBe(2);
  expect(out).toBe('');
  const lines = err.split('\n');
  expect(lines[0]).toBe("--bogus is not an option of 'findings list'. Usage:");
  expect(lines.slice(1)).toEqual([expect.stringMatching(/^ {2}npm run cli -- findings list\s/)]);
  // Not parseArgs' own wording (with its unbalanced quote), and not the 40-line help.
  expect(err).not.toMatch(/To specify a positional argument|Admin CLI for safeguarding/);
});

test('an option without its value says so, with the usage and its continuation line', async () => {
  const { code, err } = await runCapturing(['findings', 'preview', 'cpie-2022', '--agency'], {});
  expect(code).toBe(2);
  expect(err.split('\n')).toEqual([
    "--agency needs a value in 'findings preview'. Usage:",
    expect.stringMatching(/^ {2}npm run cli -- findings preview <id> --agency A --role R/),
    expect.stringMatching(/^ {6}write the tailored HTML and text/),
  ]);
});

test('an unknown option with no command points to the help', async () => {
  const { code, err } = await runCapturing(['--bogus'], {});
  expect(code).toBe(2);
  expect(err).toBe('--bogus is not an option. See: npm run cli -- --help');
});

describe('the help and the dispatch are one table', () => {
  const listed = COMMANDS.flatMap(({ commands }) => commands).filter((command) => command.name !== 'taxonomy');
  // Each with the words and options it needs, and a target that cannot be reached: the command is
  // found (and its own checks run) before anything connects, so nothing leaves this machine.
  const typed = (name: string) => [...name.split(' '), 'x', 'y', '--briefing', 'b#v1', '--agency', 'police', '--role', 'frontline', '--now', '--target', 'nowhere'];

  test.each(listed.map((command) => command.name))('%s, listed in the help, is dispatched', async (name) => {
    expect(HELP).toContain(`  ${name}`);
    const { code, err } = await runCapturing(typed(name), {});
    expect(err).not.toContain('Unknown command');
    expect({ code, err }).toEqual({ code: 2, err: '--target nowhere is not known: use local or aws.' });
  });

  test('a command the table does not hold is unknown, and says where the list is', async () => {
    const { code, err } = await runCapturing(['findings', 'frobnicate', '--target', 'nowhere'], {});
    expect(code).toBe(2);
    expect(err).toBe("Unknown command 'findings frobnicate'. See: npm run cli -- --help");
  });

  test('too few words give that command its usage line from the table', async () => {
    const { code, err } = await runCapturing(['lists', 'import', 'only-one'], {});
    expect(code).toBe(2);
    expect(err).toBe('Usage: npm run cli -- lists import <id> <members.csv>');
  });
});
