import { parseArgs } from 'node:util';
import { AGENCIES, ROLES, SOURCE_TYPES, TOPIC_GROUPS, TOPICS } from '../shared/core/taxonomy';
import { addFinding, listFindings, previewFinding, publishFinding, retryBriefing, retryFinding, showFinding } from './commands/findings';
import { allowList, denyList } from './commands/settings';
import { disseminationReport } from './commands/report';
import { runDigestNow } from './commands/digest';
import { createList, importMembers, showLists } from './commands/lists';
import { eraseSubscriber, exportSubscriber, listSubscribers, showSubscriber, suppressSubscriber } from './commands/subscribers';
import { terminalOutput, type Output } from './output';
import { UsageError, connect } from './target';

export const HELP = `Admin CLI for safeguarding learning briefings.

Usage: npm run cli -- <command> [options]

Findings
  findings add <file.json|yaml> [--replace]   validate, then add (prints every problem by field)
  findings list                               ids, status, version, pipeline state; held reasons
  findings show <id>                          one finding, its pipeline state and any problems
  findings publish <id> [--no-wait] [--timeout 120]
                                              publish, then follow the sending until it is done
  findings retry <id> [--failed] [--version N] [--stuck-minutes 5]
                                              re-queue deliveries stuck in PENDING (and FAILED ones)
  findings preview <id> --agency A --role R [--out DIR]
                                              write the tailored HTML and text, print their paths
Deliveries
  deliveries retry --briefing <finding id>#v<N> [--stuck-minutes 5]
                                              after a fix, re-drive FAILED (and stuck PENDING) rows;
                                              never SENT ones, never ones that may have reached SES
Anonymisation gate
  denylist [list]                             words and names a briefing must never contain
  denylist add <term> [term…]                 quote phrases: "Example Street"
  denylist remove <term> [term…]
  allowlist [list]                            public names and pseudonyms a name in a briefing may be
  allowlist add <name> [name…]                quote names with spaces: "Child Q"
  allowlist remove <name> [name…]
Lists
  lists create <id> --name "Name" [--topics a,b] [--agencies a,b] [--roles a,b]
  lists import <id> <members.csv>             CSV header: email,name,agency,role
  lists show [id]                             all lists, or one list's members
Subscribers (people who subscribed themselves to topics)
  subscribers list [--status pending|confirmed|unsubscribed]
  subscribers show <email>                    subscription, lists and suppression for one address
  subscribers suppress <email> [--reason "…"] never send to this address again (any list or topic)
  subscribers export <email> [--out file.json]
                                              everything held about one person (subject access)
  subscribers erase <email>                   remove their personal data; anonymous counts stay
Reports
  report dissemination [--finding <id> | --from YYYY-MM-DD --to YYYY-MM-DD] [--format table|csv|html] [--out file]
                                              reach and acknowledgement by agency and role (html: one file with charts)
Digest
  digest run --now                            send this week's digest to weekly subscribers (local)
Reference
  taxonomy                                    topic, agency, role and source ids

Where: --target local (default; DynamoDB Local on DYNAMODB_PORT or 8000) or --target aws
       [--stack SafeguardingBriefings]. BRIEFINGS_TARGET and BRIEFINGS_STACK set the same.`;

/** HELP's lines for one command ('findings list'), with their continuation lines: that command's own usage. */
export function usageOf(command: string): string | undefined {
  const lines = HELP.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith(`  ${command} `) && lines[i] !== `  ${command}`) continue;
    out.push(`  npm run cli -- ${lines[i]!.trim()}`);
    while (lines[i + 1]?.startsWith('    ')) out.push(`      ${lines[++i]!.trim()}`);
  }
  return out.length ? out.join('\n') : undefined;
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
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
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
      },
    });
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

  const need = (count: number, usage: string) => {
    if (args.length < count) throw new UsageError(`Usage: npm run cli -- ${usage}`);
  };
  let target;
  try {
    target = connect({ target: values.target, stack: values.stack, env });
    if (group === 'denylist') return await denyList(target, io, command, args);
    if (group === 'allowlist') return await allowList(target, io, command, args);
    const key = `${group} ${command ?? ''}`.trim();
    switch (key) {
      case 'findings add':
        need(1, 'findings add <file.json|yaml> [--replace]');
        return await addFinding(target, io, args[0]!, values.replace);
      case 'findings list':
        return await listFindings(target, io);
      case 'findings show':
        need(1, 'findings show <id>');
        return await showFinding(target, io, args[0]!);
      case 'findings publish': {
        need(1, 'findings publish <id> [--no-wait] [--timeout 120]');
        const timeoutSeconds = Number(values.timeout);
        if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) throw new UsageError('--timeout is a number of seconds, for example 120.');
        return await publishFinding(target, io, args[0]!, { wait: !values['no-wait'], timeoutSeconds });
      }
      case 'findings retry': {
        need(1, 'findings retry <id> [--failed] [--version N] [--stuck-minutes 5]');
        const stuckMinutes = Number(values['stuck-minutes']);
        const version = values.version === undefined ? undefined : Number(values.version);
        if (!Number.isFinite(stuckMinutes) || stuckMinutes < 0) throw new UsageError('--stuck-minutes is a number of minutes, for example 5.');
        if (version !== undefined && !(Number.isInteger(version) && version >= 1)) throw new UsageError('--version is a whole number from 1.');
        return await retryFinding(target, io, args[0]!, { includeFailed: values.failed, stuckMinutes, version });
      }
      case 'findings preview':
        need(1, 'findings preview <id> --agency police --role frontline');
        if (!values.agency || !values.role) throw new UsageError('findings preview needs --agency and --role, for example --agency police --role frontline.');
        return await previewFinding(target, io, args[0]!, values.agency, values.role, values.out ?? 'out/preview', env.PUBLIC_BASE_URL);
      case 'lists create':
        need(1, 'lists create <id> --name "Name" [--topics a,b] [--agencies a,b] [--roles a,b]');
        return await createList(target, io, args[0]!, values);
      case 'lists import':
        need(2, 'lists import <list-id> <members.csv>');
        return await importMembers(target, io, args[0]!, args[1]!);
      case 'lists show':
        return await showLists(target, io, args[0]);
      case 'report dissemination':
        return await disseminationReport(target, io, { finding: values.finding, from: values.from, to: values.to, format: values.format, out: values.out });
      case 'deliveries retry': {
        if (!values.briefing) throw new UsageError('Usage: npm run cli -- deliveries retry --briefing <finding id>#v<N>, for example --briefing jtai-mash-2022#v1');
        const stuckMinutes = Number(values['stuck-minutes']);
        if (!Number.isFinite(stuckMinutes) || stuckMinutes < 0) throw new UsageError('--stuck-minutes is a number of minutes, for example 5.');
        return await retryBriefing(target, io, values.briefing, stuckMinutes);
      }
      case 'subscribers list':
        if (values.status && !['pending', 'confirmed', 'unsubscribed'].includes(values.status)) {
          throw new UsageError(`--status '${values.status}' is not a status: use pending, confirmed or unsubscribed.`);
        }
        return await listSubscribers(target, io, values.status);
      case 'subscribers show':
        need(1, 'subscribers show <email>');
        return await showSubscriber(target, io, args[0]!);
      case 'subscribers suppress':
        need(1, 'subscribers suppress <email> [--reason "…"]');
        return await suppressSubscriber(target, io, args[0]!, values.reason);
      case 'subscribers export':
        need(1, 'subscribers export <email> [--out file.json]');
        return await exportSubscriber(target, io, args[0]!, values.out);
      case 'subscribers erase':
        need(1, 'subscribers erase <email>');
        return await eraseSubscriber(target, io, args[0]!);
      case 'digest run':
        if (!values.now) throw new UsageError('digest run sends emails: add --now to confirm, for example npm run cli -- digest run --now.');
        return await runDigestNow(target, io, env);
      default:
        throw new UsageError(`Unknown command '${key}'. See: npm run cli -- --help`);
    }
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
