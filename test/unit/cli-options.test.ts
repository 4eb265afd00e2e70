import { runCapturing } from '../support/cli';

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
