import { parseArgs } from 'node:util';
import { AGENCIES, ROLES, SOURCE_TYPES, TOPIC_GROUPS, TOPICS } from '../shared/core/taxonomy';
import { addFinding, listFindings, previewFinding, publishFinding, retryBriefing, retryFinding, showFinding } from './commands/findings';
import { allowList, denyList } from './commands/settings';
import { disseminationReport } from './commands/report';
import { runDigestNow } from './commands/digest';
import { createList, importMembers, showLists } from './commands/lists';
import { eraseSubscriber, exportSubscriber, listSubscribers, showSubscriber, suppressSubscriber } from './commands/subscribers';
import { terminalOutput, type Output } from './output';
import { UsageError, connect, type Target } from './target';

const OPTIONS = {
  target: { type: 'string' },
  stack: { type: 'string' },
  replace: { type: 'boolean', default: false },
  'no-wait': { type: 'boolean', default: false },
  timeout: { type: 'string', default: '120' },
  failed: { type: 'boolean', default: false },
  version: { type: 'string' },
  'stuck-minutes': { type: 'string', default: '5' },
  agency: { type: 'string' },
  role: { type: 'string' },
  out: { type: 'string' },
  name: { type: 'string' },
  topics: { type: 'string' },
  agencies: { type: 'string' },
  roles: { type: 'string' },
  briefing: { type: 'string' },
  finding: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  format: { type: 'string' },
  status: { type: 'string' },
  reason: { type: 'string' },
  now: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;
const parseOptions = (args: string[]) => parseArgs({ args, allowPositionals: true, options: OPTIONS });
type Options = ReturnType<typeof parseOptions>['values'];

/** What a command gets: its target, output, positionals after the command's name, options and environment. */
interface Run {
  target: Target;
  io: Output;
  /** The words after the command's name ('findings add <file>' → [file]); a group command ('denylist') gets its subcommand first. */
  args: string[];
  values: Options;
  env: NodeJS.ProcessEnv;
}

interface Command {
  /** The words that name it: 'findings add'. A one-word name ('denylist') takes its own subcommands. */
  name: string;
  /** What follows the name in its usage line. */
  usage?: string;
  /** What it does, beside the usage (or below it when the usage is long); a second entry is a continuation line. */
  about?: readonly string[];
  /** How many words must follow the name. */
  needs?: number;
  /** Lines of the help only: another form of a group command, dispatched by its first entry. */
  helpOnly?: boolean;
  run?: (run: Run) => Promise<number>;
}

const numberOption = (value: string | undefined, name: string, example: string, valid: (n: number) => boolean) => {
  const n = Number(value);
  if (!Number.isFinite(n) || !valid(n)) throw new UsageError(`--${name} is ${example}.`);
  return n;
};
const stuckMinutes = (values: Options) => numberOption(values['stuck-minutes'], 'stuck-minutes', 'a number of minutes, for example 5', (n) => n >= 0);

/** The one table of commands: the help is printed from it and the commands are dispatched through it. */
export const COMMANDS: readonly { section: string; commands: readonly Command[] }[] = [
  {
    section: 'Findings',
    commands: [
      { name: 'findings add', usage: '<file.json|yaml> [--replace]', about: ['validate, then add (prints every problem by field)'], needs: 1, run: ({ target, io, args, values }) => addFinding(target, io, args[0]!, values.replace) },
      { name: 'findings list', about: ['ids, status, version, pipeline state; held reasons'], run: ({ target, io }) => listFindings(target, io) },
      { name: 'findings show', usage: '<id>', about: ['one finding, its pipeline state and any problems'], needs: 1, run: ({ target, io, args }) => showFinding(target, io, args[0]!) },
      {
        name: 'findings publish',
        usage: '<id> [--no-wait] [--timeout 120]',
        about: ['publish, then follow the sending until it is done'],
        needs: 1,
        run: ({ target, io, args, values }) =>
          publishFinding(target, io, args[0]!, { wait: !values['no-wait'], timeoutSeconds: numberOption(values.timeout, 'timeout', 'a number of seconds, for example 120', (n) => n > 0) }),
      },
      {
        name: 'findings retry',
        usage: '<id> [--failed] [--version N] [--stuck-minutes 5]',
        about: ['re-queue deliveries stuck in PENDING (and FAILED ones)'],
        needs: 1,
        run: ({ target, io, args, values }) => {
          const minutes = stuckMinutes(values);
          const version = values.version === undefined ? undefined : numberOption(values.version, 'version', 'a whole number from 1', (n) => Number.isInteger(n) && n >= 1);
          return retryFinding(target, io, args[0]!, { includeFailed: values.failed, stuckMinutes: minutes, version });
        },
      },
      {
        name: 'findings preview',
        usage: '<id> --agency A --role R [--out DIR]',
        about: ['write the tailored HTML and text, print their paths'],
        needs: 1,
        run: ({ target, io, args, values, env }) => {
          if (!values.agency || !values.role) throw new UsageError('findings preview needs --agency and --role, for example --agency police --role frontline.');
          return previewFinding(target, io, args[0]!, values.agency, values.role, values.out ?? 'out/preview', env.PUBLIC_BASE_URL);
        },
      },
    ],
  },
  {
    section: 'Deliveries',
    commands: [
      {
        name: 'deliveries retry',
        usage: '--briefing <finding id>#v<N> [--stuck-minutes 5]',
        about: ['after a fix, re-drive FAILED (and stuck PENDING) rows;', 'never SENT ones, never ones that may have reached SES'],
        run: ({ target, io, values }) => {
          if (!values.briefing) throw new UsageError('Usage: npm run cli -- deliveries retry --briefing <finding id>#v<N>, for example --briefing jtai-mash-2022#v1');
          return retryBriefing(target, io, values.briefing, stuckMinutes(values));
        },
      },
    ],
  },
  {
    section: 'Anonymisation gate',
    commands: [
      { name: 'denylist', usage: '[list]', about: ['words and names a briefing must never contain'], run: ({ target, io, args }) => denyList(target, io, args[0], args.slice(1)) },
      { name: 'denylist add', usage: '<term> [term…]', about: ['quote phrases: "Example Street"'], helpOnly: true },
      { name: 'denylist remove', usage: '<term> [term…]', helpOnly: true },
      { name: 'allowlist', usage: '[list]', about: ['public names and pseudonyms a name in a briefing may be'], run: ({ target, io, args }) => allowList(target, io, args[0], args.slice(1)) },
      { name: 'allowlist add', usage: '<name> [name…]', about: ['quote names with spaces: "Child Q"'], helpOnly: true },
      { name: 'allowlist remove', usage: '<name> [name…]', helpOnly: true },
    ],
  },
  {
    section: 'Lists',
    commands: [
      { name: 'lists create', usage: '<id> --name "Name" [--topics a,b] [--agencies a,b] [--roles a,b]', needs: 1, run: ({ target, io, args, values }) => createList(target, io, args[0]!, values) },
      { name: 'lists import', usage: '<id> <members.csv>', about: ['CSV header: email,name,agency,role'], needs: 2, run: ({ target, io, args }) => importMembers(target, io, args[0]!, args[1]!) },
      { name: 'lists show', usage: '[id]', about: ["all lists, or one list's members"], run: ({ target, io, args }) => showLists(target, io, args[0]) },
    ],
  },
  {
    section: 'Subscribers (people who subscribed themselves to topics)',
    commands: [
      {
        name: 'subscribers list',
        usage: '[--status pending|confirmed|unsubscribed]',
        run: ({ target, io, values }) => {
          if (values.status && !['pending', 'confirmed', 'unsubscribed'].includes(values.status)) {
            throw new UsageError(`--status '${values.status}' is not a status: use pending, confirmed or unsubscribed.`);
          }
          return listSubscribers(target, io, values.status);
        },
      },
      { name: 'subscribers show', usage: '<email>', about: ['subscription, lists and suppression for one address'], needs: 1, run: ({ target, io, args }) => showSubscriber(target, io, args[0]!) },
      { name: 'subscribers suppress', usage: '<email> [--reason "…"]', about: ['never send to this address again (any list or topic)'], needs: 1, run: ({ target, io, args, values }) => suppressSubscriber(target, io, args[0]!, values.reason) },
      { name: 'subscribers export', usage: '<email> [--out file.json]', about: ['everything held about one person (subject access)'], needs: 1, run: ({ target, io, args, values }) => exportSubscriber(target, io, args[0]!, values.out) },
      { name: 'subscribers erase', usage: '<email>', about: ['remove their personal data; anonymous counts stay'], needs: 1, run: ({ target, io, args }) => eraseSubscriber(target, io, args[0]!) },
    ],
  },
  {
    section: 'Reports',
    commands: [
      {
        name: 'report dissemination',
        usage: '[--finding <id> | --from YYYY-MM-DD --to YYYY-MM-DD] [--format table|csv|html] [--out file]',
        about: ['reach and acknowledgement by agency and role (html: one file with charts)'],
        run: ({ target, io, values }) => disseminationReport(target, io, { finding: values.finding, from: values.from, to: values.to, format: values.format, out: values.out }),
      },
    ],
  },
  {
    section: 'Digest',
    commands: [
      {
        name: 'digest run',
        usage: '--now',
        about: ["send this week's digest to weekly subscribers (local)"],
        run: ({ target, io, values, env }) => {
          if (!values.now) throw new UsageError('digest run sends emails: add --now to confirm, for example npm run cli -- digest run --now.');
          return runDigestNow(target, io, env);
        },
      },
    ],
  },
  { section: 'Reference', commands: [{ name: 'taxonomy', about: ['topic, agency, role and source ids'] }] },
];

/** The usage column's width: a description starts there, or on the next line when the usage is longer. */
const ABOUT_COLUMN = 46;
const commandLines = (command: Command) => {
  const usage = `  ${command.name}${command.usage ? ` ${command.usage}` : ''}`;
  const [first, ...more] = command.about ?? [];
  const lines = !first ? [usage] : usage.length < ABOUT_COLUMN ? [usage.padEnd(ABOUT_COLUMN) + first] : [usage, ' '.repeat(ABOUT_COLUMN) + first];
  return [...lines, ...more.map((line) => ' '.repeat(ABOUT_COLUMN) + line)];
};

export const HELP = [
  'Admin CLI for safeguarding learning briefings.',
  '',
  'Usage: npm run cli -- <command> [options]',
  '',
  ...COMMANDS.flatMap(({ section, commands }) => [section, ...commands.flatMap(commandLines)]),
  '',
  'Where: --target local (default; DynamoDB Local on DYNAMODB_PORT or 8000) or --target aws',
  '       [--stack SafeguardingBriefings]. BRIEFINGS_TARGET and BRIEFINGS_STACK set the same.',
].join('\n');

const EVERY_COMMAND = COMMANDS.flatMap(({ commands }) => commands);

/** HELP's lines for one command ('findings list'), with their continuation lines: that command's own usage. */
export function usageOf(name: string): string | undefined {
  const lines = EVERY_COMMAND.filter((command) => command.name === name || command.name.startsWith(`${name} `)).flatMap((command) =>
    commandLines(command).map((line, i) => (i === 0 ? `  npm run cli -- ${line.trim()}` : `      ${line.trim()}`)),
  );
  return lines.length ? lines.join('\n') : undefined;
}

/** One line naming the option parseArgs refused, then that command's usage (not Node's message and the whole help). */
function optionProblem(error: Error & { code?: string }, argv: readonly string[]): string {
  const option = /'(-{1,2}[^' ]+)/.exec(error.message)?.[1] ?? 'an option';
  const words = argv.filter((arg) => !arg.startsWith('-'));
  const command = [2, 1].map((n) => words.slice(0, n).join(' ')).find((c) => c && usageOf(c));
  const problem =
    error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE'
      ? `${option} needs a value${command ? ` in '${command}'` : ''}.`
      : `${option} is not an option${command ? ` of '${command}'` : ''}.`;
  return command ? `${problem} Usage:\n${usageOf(command)}` : `${problem} See: npm run cli -- --help`;
}

function printTaxonomy(io: Output) {
  io.out('Topics:');
  for (const [group, ids] of Object.entries(TOPIC_GROUPS)) {
    io.out(`  ${group}`);
    for (const id of ids) io.out(`    ${id.padEnd(22)} ${TOPICS[id]}`);
  }
  io.out('Agencies (and "all" in actions):');
  for (const [id, label] of Object.entries(AGENCIES)) io.out(`  ${id.padEnd(24)} ${label}`);
  io.out('Roles:');
  for (const [id, label] of Object.entries(ROLES)) io.out(`  ${id.padEnd(24)} ${label}`);
  io.out('Source types:');
  for (const [id, label] of Object.entries(SOURCE_TYPES)) io.out(`  ${id.padEnd(24)} ${label}`);
}

/** Runs one command; returns the exit code. Errors a user can fix are printed, not thrown. */
export async function runCli(argv: string[], io: Output = terminalOutput(), env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let parsed;
  try {
    parsed = parseOptions(argv);
  } catch (error) {
    io.err(optionProblem(error as Error & { code?: string }, argv));
    return 2;
  }
  const { values, positionals } = parsed;
  const [group, command, ...args] = positionals;
  if (values.help || !group) {
    io.out(HELP);
    return group || values.help ? 0 : 2;
  }
  if (group === 'taxonomy') {
    printTaxonomy(io);
    return 0;
  }

  let target;
  try {
    const key = `${group} ${command ?? ''}`.trim();
    const found = EVERY_COMMAND.find((c) => c.name === key && c.run) ?? EVERY_COMMAND.find((c) => c.name === group && c.run);
    if (!found?.run) throw new UsageError(`Unknown command '${key}'. See: npm run cli -- --help`);
    const words = found.name === group ? [command, ...args].filter((word): word is string => word !== undefined) : args;
    if (words.length < (found.needs ?? 0)) throw new UsageError(`Usage: npm run cli -- ${found.name} ${found.usage ?? ''}`.trimEnd());
    target = connect({ target: values.target, stack: values.stack, env });
    return await found.run({ target, io, args: words, values, env });
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(error.message);
      return 2;
    }
    const name = (error as { name?: string }).name;
    if (name === 'ResourceNotFoundException') {
      io.err(`The tables are not there (${target?.description}). Locally, start them with npm start; in AWS, check --stack and your region.`);
      return 1;
    }
    if ((error as { code?: string }).code === 'ECONNREFUSED' || /ECONNREFUSED/.test(String((error as Error).message))) {
      io.err(`Cannot reach ${target?.description}. Is the local default running (npm start)?`);
      return 1;
    }
    throw error;
  } finally {
    target?.close();
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
      process.exit(1);
    },
  );
}
