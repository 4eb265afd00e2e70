import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startDynamoDb } from '../../infra/local/emulators';
import { ensureTables, localTableNames } from '../../infra/local/tables';
import { DynamoSettingsStore } from '../../shared/adapters/dynamo/settings-store';
import { documentClient } from '../../shared/adapters/dynamo/kit';
import { runCapturing } from '../support/cli';

/**
 * The allow list (public names and pseudonyms the gate's person-name rule lets through)
 * kept with the admin CLI, as the deny list is: in the settings table, against DynamoDB
 * Local with the tables the local pipeline builds. Only DynamoDB is needed.
 */

const tables = localTableNames();
let dynamo: Awaited<ReturnType<typeof startDynamoDb>>;
let db: DynamoDBDocumentClient;
let env: NodeJS.ProcessEnv;

const cli = (...argv: string[]) => runCapturing(argv, env);
const stored = async (key: string) => (await db.send(new GetCommand({ TableName: tables.settings, Key: { key }, ConsistentRead: true }))).Item;

beforeAll(async () => {
  dynamo = await startDynamoDb();
  await ensureTables(dynamo.client);
  db = documentClient(dynamo.client);
  env = { DYNAMODB_ENDPOINT: dynamo.url };
}, 120_000);

afterAll(async () => {
  await dynamo?.stop();
});

test('allowlist add/list/remove keeps whole names in the settings table, beside the deny list and apart from it', async () => {
  expect((await cli('allowlist')).out).toContain('The allow list is empty');
  expect((await cli('allowlist', 'add', 'Child Q', 'Arthur', 'Star', 'arthur')).out).toContain('Added 3 name(s); the allow list has 3.');
  expect((await cli('allowlist', 'add', 'CHILD Q', '  ')).out).toContain('Added 0 name(s)');
  expect((await cli('allowlist', 'list')).out).toMatch(/3 name\(s\) on the allow list:\n {2}Arthur\n {2}Child Q\n {2}Star/);

  // One item per list in the settings table, as an admin also sees it in the console.
  expect(await stored('allow-list')).toMatchObject({ key: 'allow-list', terms: ['Child Q', 'Arthur', 'Star'] });
  expect(await stored('deny-list')).toBeUndefined();
  const settings = new DynamoSettingsStore(db, tables.settings);
  expect(await settings.allowList()).toEqual(['Child Q', 'Arthur', 'Star']);
  expect(await settings.denyList()).toEqual([]);

  // A name on both lists: the deny list still blocks it, and the admin is told so.
  expect((await cli('denylist', 'add', 'Testford')).code).toBe(0);
  const both = await cli('allowlist', 'add', 'testford');
  expect(both.out).toContain('Added 1 name(s)');
  expect(both.out).toContain("Note: 'testford' is also on the deny list, which still blocks it.");
  expect(await settings.denyList()).toEqual(['Testford']);

  expect((await cli('allowlist', 'remove', 'child q', 'Nobody Here')).out).toContain('Removed 1 name(s); the allow list has 3.');
  expect(await settings.allowList()).toEqual(['Arthur', 'Star', 'testford']);
});

test('allowlist tells the admin how to use it when a command is wrong', async () => {
  const noNames = await cli('allowlist', 'add');
  expect(noNames.code).toBe(2);
  expect(noNames.err).toContain('Usage: npm run cli -- allowlist add <name>');
  expect((await cli('allowlist', 'remove')).err).toContain('Usage: npm run cli -- allowlist remove <name>');
  const unknown = await cli('allowlist', 'clear');
  expect(unknown.code).toBe(2);
  expect(unknown.err).toContain('allowlist clear is not a command: use allowlist list, add or remove.');
  expect((await cli('--help')).out).toContain('allowlist add <name> [name…]');
});
