import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { measureColdStart } from '../../bench/cold-start';
import * as stub from '../../infra/bundle-stubs/nodemailer-mime-types';
import { bundleFunction } from '../../infra/bundle';
import { BriefingFunction } from '../../infra/constructs/briefing-function';
import { FUNCTIONS } from '../../shared/contract/functions';
import { REPO_ROOT } from '../../infra/stack';
import { renderBriefing, type BriefingLinks } from '../../shared/render/email/briefing';
import { heldNotice } from '../../shared/render/email/notices';
import { composeBriefingMime, type BriefingMimeInput } from '../../shared/render/email/mime';
import { validFinding } from '../support/findings';
import { scanText } from '../../shared/core/gate/anonymisation';

// nodemailer's exports map hides the file; the stub must match it, so load it by path.
const nodemailerDist = path.dirname(require.resolve('nodemailer'));
const original = require(path.join(nodemailerDist, 'mime-funcs', 'mime-types.js')) as typeof stub;

let workDir: string;
beforeAll(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'briefings-bundle-test-'));
});
afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

describe('the nodemailer mime-types stub', () => {
  it('exports what nodemailer exports', () => {
    expect(Object.keys(stub).sort()).toEqual(Object.keys(original).filter((key) => key !== '__esModule').sort());
  });

  it('answers as nodemailer does for the types our emails use, and falls back the same way', () => {
    const names = [undefined, '', false as const, 'txt', 'html', 'htm', 'HTML', 'message.txt', 'page.html?x=1', 'bin', 'unknown-ext'];
    for (const name of names) expect([name, stub.detectMimeType(name)]).toEqual([name, original.detectMimeType(name)]);
    const types = [undefined, '', false as const, 'text/plain', 'text/html', 'TEXT/HTML', ' text/plain ', 'text/plain; charset=utf-8', 'text/x-unknown', 'application/x-unknown'];
    for (const type of types) expect([type, stub.detectExtension(type)]).toEqual([type, original.detectExtension(type)]);
  });
});

describe('bundleFunction', () => {
  const links: BriefingLinks = {
    unsubscribeUrl: 'https://briefings.example.org/unsubscribe?t=signed-token',
    manageUrl: 'https://briefings.example.org/preferences?t=signed-token',
  };
  // A tailored briefing (bulk: unsubscribe headers, an extra header, a non-ASCII name) and a
  // held-finding notice (no name, no unsubscribe), the two shapes our emails take.
  const messages: BriefingMimeInput[] = [
    {
      from: 'Safeguarding briefings <briefings@example.org>',
      to: { name: 'Zoë Example', email: 'zoe.example@example.org' },
      rendered: renderBriefing(validFinding({ version: 2 }), { name: 'Zoë Example', agency: 'police', role: 'frontline' }, links),
      unsubscribeUrl: links.unsubscribeUrl,
      headers: { 'X-Delivery-Id': 'cpie-2022#2#abc' },
    },
    {
      from: 'briefings@example.org',
      to: { name: '', email: 'safeguarding-admin@example.org' },
      rendered: heldNotice('cpie-2022', 3, [{ field: 'title', what: 'is required' }]),
    },
  ];
  /** The random parts of a message: boundary, Message-ID and Date. */
  const normalise = (raw: Buffer) =>
    raw
      .toString('utf8')
      .replace(/_NmP-[0-9a-f]+-Part_/g, '_NmP-BOUNDARY-Part_')
      .replace(/^Message-ID: <[^>]+>$/m, 'Message-ID: <ID>')
      .replace(/^Date: .+$/m, 'Date: DATE');

  let bundled: { composeBriefingMime: typeof composeBriefingMime };
  let code: string;
  let sources: string[];
  beforeAll(async () => {
    const entry = path.join(workDir, 'mime-entry.ts');
    fs.writeFileSync(entry, `export { composeBriefingMime } from ${JSON.stringify(path.join(REPO_ROOT, 'shared/render/email/mime'))};\n`);
    const { file, bytes } = await bundleFunction(entry, path.join(workDir, 'mime'));
    expect(bytes).toBe(fs.statSync(file).size);
    code = fs.readFileSync(file, 'utf8');
    sources = JSON.parse(fs.readFileSync(`${file}.map`, 'utf8')).sources;
    bundled = require(file);
  });

  it("bundles the stub in place of nodemailer's table", () => {
    expect(sources.some((source) => source.endsWith('infra/bundle-stubs/nodemailer-mime-types.ts'))).toBe(true);
    expect(sources.filter((source) => /mime-funcs\/mime-types\.js$/.test(source))).toEqual([]);
    expect(code).not.toContain('application/vnd.zzazz.deck+xml'); // a row of the full table
    expect(code).toMatch(/\/\/# sourceMappingURL=index\.js\.map\s*$/);
  });

  it.each(messages.map((message, i) => [i, message] as const))('composes message %i byte for byte as the source does', async (_, message) => {
    const fromBundle = await bundled.composeBriefingMime(message);
    const fromSource = await composeBriefingMime(message);
    expect(normalise(fromBundle)).toBe(normalise(fromSource));
    expect(normalise(fromSource)).toMatch(/^Content-Type: multipart\/alternative;/m);
  });
});

describe('the gate\'s libraries, each in its own file loaded on first use', () => {
  const text = 'On 14th March 2019 the mother, Jane Smith, told the health visitor.';
  let bundle: Awaited<ReturnType<typeof bundleFunction>>;
  beforeAll(async () => {
    const entry = path.join(workDir, 'gate-entry.ts');
    fs.writeFileSync(entry, `export { scanText } from ${JSON.stringify(path.join(REPO_ROOT, 'shared/core/gate/anonymisation'))};\n`);
    bundle = await bundleFunction(entry, path.join(workDir, 'gate'));
  });

  it('writes compromise and chrono-node beside index.js, not into it', () => {
    expect(bundle.lazy.map((lazy) => path.basename(lazy.file)).sort()).toEqual(['chrono-node-en.js', 'compromise-two.js']);
    for (const lazy of bundle.lazy) expect(lazy.bytes).toBe(fs.statSync(lazy.file).size);
    const code = fs.readFileSync(bundle.file, 'utf8');
    expect(code).toContain('require("./compromise-two.js")');
    expect(code).toContain('require("./chrono-node-en.js")');
    const sources: string[] = JSON.parse(fs.readFileSync(`${bundle.file}.map`, 'utf8')).sources;
    expect(sources.filter((source) => /node_modules\/(compromise|chrono-node)\//.test(source))).toEqual([]);
  });

  it('loads neither at init, and finds the same date and name as the source once a text is scanned', () => {
    // A fresh Node.js, as at a cold start: which files has require() loaded, before and after the first scan?
    const probe = spawnSync(process.execPath, ['-e', `
      const gate = require(${JSON.stringify(bundle.file)});
      const atInit = Object.keys(require.cache).map((key) => require('path').basename(key));
      const hits = gate.scanText('summary', ${JSON.stringify(text)}).map((hit) => [hit.rule, hit.position, hit.length]);
      const after = Object.keys(require.cache).map((key) => require('path').basename(key));
      process.stdout.write(JSON.stringify({ atInit, hits, after }));`], { encoding: 'utf8' });
    expect(probe.stderr).toBe('');
    const { atInit, hits, after } = JSON.parse(probe.stdout) as { atInit: string[]; hits: unknown[]; after: string[] };
    expect(atInit).toEqual(['index.js']);
    expect(after.sort()).toEqual(['chrono-node-en.js', 'compromise-two.js', 'index.js']);
    expect(hits).toEqual(scanText('summary', text).map((hit) => [hit.rule, hit.position, hit.length]));
    expect(hits.map((hit) => (hit as string[])[0])).toEqual(['date', 'person-name']);
  });
});

describe('BriefingFunction bundling', () => {
  it('fails with a message naming the function and the reason when its handler does not bundle', () => {
    const dir = fs.mkdtempSync(path.join(workDir, 'broken-'));
    const entry = path.join(dir, 'handler.ts');
    fs.writeFileSync(entry, "import { nothing } from './does-not-exist';\nexport const handler = async () => nothing;\n");
    const stack = new Stack(new App({ outdir: path.join(workDir, 'broken-assembly') }), 'broken-test');
    expect(() => new BriefingFunction(stack, 'broken-probe', { entry })).toThrow(/Bundling the broken-probe function \(.*handler\.ts\) failed[\s\S]*does-not-exist/);
  });
});

describe('measureColdStart', () => {
  it('bundles and loads every function, reporting its size and each run', async () => {
    const results = await measureColdStart({ runs: 2 });
    expect(results.map((result) => result.name)).toEqual(Object.keys(FUNCTIONS));
    for (const result of results) {
      expect(result.bytes).toBeGreaterThan(0);
      expect(result.initMs.runs).toHaveLength(2);
    }
    // The probe saw the clients each builds at init, so the SDK-only baseline builds the same ones.
    const byName = new Map(results.map((result) => [result.name, result]));
    expect(byName.get('send-briefing')?.sdkClientsAtInit).toEqual([
      '@aws-sdk/client-dynamodb#DynamoDBClient',
      '@aws-sdk/client-ses#SESClient',
      '@aws-sdk/lib-dynamodb#DynamoDBDocumentClient',
    ]);
    expect(byName.get('sweeper')?.sdkClientsAtInit).toEqual(['@aws-sdk/client-dynamodb#DynamoDBClient', '@aws-sdk/lib-dynamodb#DynamoDBDocumentClient']);
    // The gate's libraries are files of their own in the functions that scan text, and nowhere else.
    expect(byName.get('plan-briefing')?.lazyFiles.map((file) => file.name).sort()).toEqual(['chrono-node-en.js', 'compromise-two.js']);
    expect(byName.get('send-briefing')?.lazyFiles).toEqual([]);
  }, 180_000);
});

describe('each function loads only the AWS clients it uses', () => {
  /** The @aws-sdk packages a handler's bundle requires (the runtime provides them, so they stay external). */
  const sdkOf = async (name: keyof typeof FUNCTIONS) => {
    const { file } = await bundleFunction(path.join(REPO_ROOT, FUNCTIONS[name].entry), path.join(workDir, `sdk-${name}`));
    return [...new Set([...fs.readFileSync(file, 'utf8').matchAll(/require\("(@aws-sdk\/[a-z-]+)"\)/g)].map((m) => m[1]))].sort();
  };

  it.each(['sweeper', 'ses-events'] as const)('%s, which sends no email, does not load the SES client', async (name) => {
    const sdk = await sdkOf(name);
    expect(sdk).toContain('@aws-sdk/client-dynamodb');
    expect(sdk).not.toContain('@aws-sdk/client-ses');
  });

  it('send-briefing does load it', async () => {
    expect(await sdkOf('send-briefing')).toContain('@aws-sdk/client-ses');
  });
});
