import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { renderBriefing } from '../../shared/render/email/briefing';
import { briefingIdOf } from '../../shared/core/delivery';
import { versionOf } from '../../shared/core/finding/publication';
import { requeueDeliveries } from '../../shared/flows/send/requeue';
import { errorLine, parseFinding, type FieldError, type Finding } from '../../shared/core/finding/finding';
import { scanFindingAndId } from '../../shared/core/finding/finding-id';
import { gateLists } from '../../shared/flows/publish/gate-lists';
import { AGENCY_IDS, ROLE_IDS, closestId } from '../../shared/core/taxonomy';
import { table, type Output } from '../output';
import { UsageError, type Target } from '../target';

const printErrors = (io: Output, heading: string, errors: FieldError[]) => {
  io.err(`${heading} ${errors.length} problem(s) to fix:`);
  for (const error of errors) io.err(`  - ${errorLine(error)}`);
};

/**
 * The anonymisation gate over a finding, as plan-briefing will run it (the deployment's deny and
 * allow lists included), printed the same way by add, preview and show. Returns whether it holds it.
 */
async function printGate(target: Target, io: Output, finding: Finding): Promise<boolean> {
  const gate = scanFindingAndId(finding, await gateLists(target.settings));
  const override = finding.anonymisationOverride;
  const released = gate.blocked.length > 0 && override?.version === finding.version;
  if (!gate.blocked.length && !gate.warnings.length) io.out('Anonymisation check: nothing found.');
  for (const hit of gate.blocked) io.out(`  Held by the anonymisation check: ${hit.message}`);
  for (const hit of gate.warnings) io.out(`  Warning (not held): ${hit.message}`);
  if (gate.blocked.length && override) {
    io.out(
      released
        ? `Released by ${override.by} for version ${override.version}: ${override.reason}`
        : `anonymisationOverride is for version ${override.version}, not ${finding.version}: it does not release this version.`,
    );
  }
  return gate.blocked.length > 0 && !released;
}

/** The pipeline's own notes on an item: its message, then one line per problem. */
function printPipelineNotes(print: (line: string) => void, item: Record<string, unknown>, heading: string) {
  print(`${heading}${String(item.pipelineMessage ?? '')}`);
  for (const line of (item.pipelineErrors as string[] | undefined) ?? []) print(`  - ${line}`);
  for (const line of (item.pipelineWarnings as string[] | undefined) ?? []) print(`  ! ${line}`);
}

export function readFindingFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}.`);
  }
  try {
    return ['.yaml', '.yml'].includes(extname(path).toLowerCase()) ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path} is not valid ${extname(path).slice(1).toUpperCase() || 'JSON'}: ${(error as Error).message}`);
  }
}

export async function addFinding(target: Target, io: Output, path: string, replace: boolean): Promise<number> {
  const input = readFindingFile(path);
  const parsed = parseFinding(input);
  if (!parsed.ok) {
    printErrors(io, `${path} was not added. It has`, parsed.errors);
    return 1;
  }
  const existing = await target.findings.getRaw(parsed.finding.id);
  if (existing && !replace) {
    io.err(`A finding with id '${parsed.finding.id}' exists already (status ${String(existing.status)}). Use --replace to overwrite it, or bump its version to re-issue.`);
    return 1;
  }
  // Store what the admin wrote, normalised by the schema, so the console shows clean attributes.
  await target.findings.putRaw(parsed.finding);
  io.out(`Added '${parsed.finding.id}' (${parsed.finding.status}, version ${parsed.finding.version}) to ${target.description}.`);
  if (await printGate(target, io, parsed.finding)) {
    io.err(
      `${parsed.finding.status === 'published' ? 'It is held' : 'Publishing it would hold it'}: nothing is sent while the anonymisation check finds these. ` +
        `Fix them in ${path}, then run: npm run cli -- findings add ${path} --replace`,
    );
    return 1;
  }
  if (parsed.finding.status !== 'published') io.out(`Publish it with: npm run cli -- findings publish ${parsed.finding.id}`);
  return 0;
}

export async function listFindings(target: Target, io: Output): Promise<number> {
  const items = await target.findings.listRaw();
  if (items.length === 0) {
    io.out(`No findings in ${target.description}. Add one with: npm run cli -- findings add <file.json|yaml>`);
    return 0;
  }
  items.sort((a, b) => String(a.id).localeCompare(String(b.id)));
  const rows = items.map((item) => [
    String(item.id),
    String(item.status ?? '?'),
    String(item.version ?? '?'),
    String(item.pipelineStatus ?? '-'),
    String(item.title ?? ''),
  ]);
  for (const line of table([['ID', 'STATUS', 'VER', 'PIPELINE', 'TITLE'], ...rows], [40, 10, 4, 9, 60])) io.out(line);
  for (const item of items.filter((i) => i.pipelineStatus === 'held')) {
    io.out('');
    printPipelineNotes(io.out, item, `${String(item.id)} is held: `);
  }
  return 0;
}

export async function showFinding(target: Target, io: Output, id: string): Promise<number> {
  const item = await target.findings.getRaw(id);
  if (!item) return notFound(io, id);
  io.out(`${id}: ${String(item.status)}, version ${String(item.version)}`);
  io.out(`Title: ${String(item.title ?? '')}`);
  if (item.pipelineStatus) {
    io.out(`Pipeline: ${String(item.pipelineStatus)} (version ${String(item.pipelineVersion)}, ${String(item.pipelineAt)})`);
    printPipelineNotes(io.out, item, '  ');
  }
  const parsed = parseFinding(item);
  if (!parsed.ok) {
    printErrors(io, 'As it stands it has', parsed.errors);
    return 0;
  }
  io.out('It passes validation.');
  io.out(parsed.finding.approvedBy ? `Approved by: ${parsed.finding.approvedBy}` : 'Not approved yet: add approvedBy before publishing, or it is held.');
  await printGate(target, io, parsed.finding);
  return 0;
}

const notFound = (io: Output, id: string) => {
  io.err(`No finding with id '${id}'. See the ids with: npm run cli -- findings list`);
  return 1;
};

async function validStored(target: Target, io: Output, id: string): Promise<Finding | undefined> {
  const item = await target.findings.getRaw(id);
  if (!item) {
    notFound(io, id);
    return undefined;
  }
  const parsed = parseFinding(item);
  if (!parsed.ok) {
    printErrors(io, `'${id}' cannot be sent yet. It has`, parsed.errors);
    return undefined;
  }
  return parsed.finding;
}

export interface PublishOptions {
  wait: boolean;
  timeoutSeconds: number;
  pollMs?: number;
}

/** Sets status to published, then (unless --no-wait) follows the briefing until every email is sent or failed. */
export async function publishFinding(target: Target, io: Output, id: string, options: PublishOptions): Promise<number> {
  const finding = await validStored(target, io, id);
  if (!finding) return 1;
  const briefingId = briefingIdOf(finding.id, finding.version);
  const already = await target.briefings.get(briefingId);
  if (finding.status === 'published' && already) {
    io.out(`'${id}' version ${finding.version} was published already, to ${already.recipients} recipient(s). To re-issue it, bump its version.`);
    return 0;
  }
  // Only a note the pipeline writes after this publish counts: an older held or planned note is stale.
  const noteBefore = (await target.findings.getRaw(id))?.pipelineAt;
  await target.findings.setStatus(id, 'published');
  io.out(`Published '${id}' version ${finding.version}.`);
  if (!options.wait) return 0;

  const deadline = Date.now() + options.timeoutSeconds * 1000;
  const pause = () => new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 500));
  while (Date.now() < deadline) {
    const item = await target.findings.getRaw(id);
    const freshNote = item?.pipelineAt !== noteBefore && item?.pipelineVersion === finding.version;
    if (item?.pipelineStatus === 'held' && freshNote) {
      printPipelineNotes(io.err, item, `'${id}' is held and was not sent: `);
      return 1;
    }
    const briefing = await target.briefings.get(briefingId);
    if (briefing && item?.pipelineStatus === 'planned' && freshNote) {
      const rows = await target.deliveries.byBriefing(briefingId);
      const count = (status: string) => rows.filter((row) => row.status === status).length;
      const done = count('SENT') + count('FAILED') + count('CANCELLED');
      io.progress(`Sending: ${count('SENT')} sent, ${count('FAILED')} failed, ${rows.length - done} to go (of ${briefing.recipients})`);
      if (rows.length >= briefing.recipients && done === rows.length) {
        io.progress('');
        io.out(`Done: ${count('SENT')} sent, ${count('FAILED')} failed${count('CANCELLED') ? `, ${count('CANCELLED')} cancelled (withdrawn or replaced)` : ''}, of ${briefing.recipients} recipient(s).`);
        return count('FAILED') ? 1 : 0;
      }
    } else {
      io.progress('Waiting for the pipeline to plan the briefing…');
    }
    await pause();
  }
  io.progress('');
  io.err(
    `Nothing finished within ${options.timeoutSeconds}s. The status is saved; the pipeline sends when it runs. ` +
      'Locally, check that npm start is running; in AWS, check the plan-briefing logs and its dead-letter queue.',
  );
  return 1;
}

export async function previewFinding(
  target: Target,
  io: Output,
  id: string,
  agency: string,
  role: string,
  outDir: string,
  publicBaseUrl = 'https://briefings.example.org',
): Promise<number> {
  for (const [value, known, flag] of [[agency, AGENCY_IDS, 'agency'], [role, ROLE_IDS, 'role']] as const) {
    if ((known as readonly string[]).includes(value)) continue;
    const hint = closestId(value, known);
    throw new UsageError(`--${flag} '${value}' is not known.${hint ? ` Did you mean '${hint}'?` : ''} Use one of: ${known.join(', ')}.`);
  }
  const finding = await validStored(target, io, id);
  if (!finding) return 1;
  const rendered = renderBriefing(
    finding,
    { name: 'Preview Reader', agency: agency as (typeof AGENCY_IDS)[number], role: role as (typeof ROLE_IDS)[number] },
    // A preview's links are placeholders: real ones are signed per recipient when the email is sent.
    { unsubscribeUrl: `${publicBaseUrl.replace(/\/+$/, '')}/unsubscribe?t=preview`, manageUrl: `${publicBaseUrl.replace(/\/+$/, '')}/preferences?t=preview` },
  );
  mkdirSync(outDir, { recursive: true });
  const base = join(resolve(outDir), `${id}-${agency}-${role}`);
  writeFileSync(`${base}.html`, rendered.html);
  writeFileSync(`${base}.txt`, `Subject: ${rendered.subject}\n\n${rendered.text}`);
  io.out(`Subject: ${rendered.subject}`);
  io.out(`HTML: ${base}.html`);
  io.out(`Text: ${base}.txt`);
  // The preview shows the text as it is; whether it may go out is the gate's to say.
  if (await printGate(target, io, finding)) {
    io.err(`Publishing it would hold it: nothing is sent while the anonymisation check finds these. Fix them, then save the finding again.`);
    return 1;
  }
  return 0;
}

/** Puts this version's stuck PENDING rows (and, with --failed, its FAILED rows) back in the send queue. */
export async function retryFinding(
  target: Target,
  io: Output,
  id: string,
  options: { includeFailed: boolean; stuckMinutes: number; version?: number },
): Promise<number> {
  const item = await target.findings.getRaw(id);
  if (!item) return notFound(io, id);
  const version = options.version ?? versionOf(item);
  if (version === undefined) throw new UsageError(`'${id}' has no readable version: pass --version N.`);
  const briefingId = briefingIdOf(id, version);
  const rows = await target.deliveries.byBriefing(briefingId);
  if (!rows.length) {
    io.err(`Version ${version} of '${id}' has no deliveries: it was never planned. Publish it with: npm run cli -- findings publish ${id}`);
    return 1;
  }
  const result = await requeueDeliveries(target.deliveries, rows, {
    includeFailed: options.includeFailed,
    stuckAfterMs: options.stuckMinutes * 60_000,
    onProgress: (done, total) => io.progress(`Re-queueing: ${done}/${total}`),
  });
  io.progress('');
  const failed = rows.filter((row) => row.status === 'FAILED').length;
  io.out(`Re-queued ${result.requeued} of ${result.candidates} delivery row(s) for '${id}' version ${version}; the pipeline sends them now.`);
  if (!options.includeFailed && failed) io.out(`${failed} FAILED row(s) were left alone; add --failed to retry them too.`);
  return 0;
}

/**
 * `deliveries retry --briefing <id>`: after a fix, re-drives the briefing's FAILED rows
 * (and PENDING rows stuck past --stuck-minutes). Never a SENT row, and never one whose
 * send may have reached SES (outcome unknown), so nothing is sent twice.
 */
export async function retryBriefing(target: Target, io: Output, briefingId: string, stuckMinutes: number): Promise<number> {
  const rows = await target.deliveries.byBriefing(briefingId);
  if (!rows.length) {
    io.err(`No deliveries for briefing '${briefingId}'. Briefing ids look like <finding id>#v<version>, for example jtai-mash-2022#v1.`);
    return 1;
  }
  const result = await requeueDeliveries(target.deliveries, rows, {
    includeFailed: true,
    stuckAfterMs: stuckMinutes * 60_000,
    onProgress: (done, total) => io.progress(`Re-driving: ${done}/${total}`),
  });
  io.progress('');
  io.out(`Re-drove ${result.requeued} of ${result.candidates} delivery row(s) of '${briefingId}'; the pipeline sends them now.`);
  const unknown = rows.filter((row) => row.outcomeUnknown);
  if (unknown.length) {
    io.out(`${unknown.length} row(s) were left alone: their send may have reached SES, so a retry could send it twice. Check SES before sending those by hand.`);
  }
  return 0;
}
