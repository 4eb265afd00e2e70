import { join } from 'node:path';
import { documentClient } from '../../shared/adapters/dynamo/kit';
import { EmulatorError, javaProblem, repoRoot, startConsole, type Running } from './emulators';
import { startLocalPipeline, type LocalPipeline } from './pipeline';
import { seedLocal } from './seed';
import { DEMO_PASSWORD, DEMO_USERS } from './sign-in';

/**
 * `npm start`: the whole product on this machine, with no AWS account. DynamoDB Local,
 * the SES emulator's inbox, the dynamodb-admin console, and the stream pollers that run
 * the real handlers, and the SES events of each message the emulator accepts (to ses-events).
 * Ctrl-C stops every part, DynamoDB Local's java process included.
 */

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (!raw) return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new EmulatorError(`${name}=${raw} is not a port number: use a whole number from 1 to 65535.`);
  }
  return port;
}

async function main() {
  const problem = javaProblem();
  if (problem) {
    console.error(problem);
    process.exit(1);
  }
  const ports = {
    dynamo: portFromEnv('DYNAMODB_PORT', 8000),
    console: portFromEnv('CONSOLE_PORT', 8001),
    ses: portFromEnv('SES_PORT', 8005),
    http: portFromEnv('HTTP_PORT', 3000),
  };
  const dataDir = process.env.LOCAL_DATA_DIR ?? join(repoRoot(), '.local');
  process.env.POWERTOOLS_LOG_LEVEL ??= 'INFO';

  console.log('Starting DynamoDB Local, the SES inbox and the stream pollers…');
  let pipeline: LocalPipeline | undefined;
  let adminConsole: Running | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping…');
    await adminConsole?.stop().catch(() => undefined);
    await pipeline?.stop().catch(() => undefined);
    console.log(`Stopped. Data is kept in ${dataDir} for next time.`);
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    pipeline = await startLocalPipeline({
      dynamoPort: ports.dynamo,
      sesPort: ports.ses,
      httpPort: ports.http,
      dataDir,
      runSchedules: true,
      log: { info: (m) => console.log(m), error: (m) => console.error(m) },
    });
    adminConsole = await startConsole({ port: ports.console, dynamoEndpoint: pipeline.dynamo.url });
    const seeded = await seedLocal(documentClient(pipeline.dynamo.client));
    console.log(
      seeded.findings || seeded.lists
        ? `Seeded ${seeded.findings} draft finding(s) and ${seeded.lists} list(s) with ${seeded.members} member(s).`
        : 'Seed data already present (kept as you left it).',
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`Could not start: ${message}`);
    if (/EADDRINUSE|in use|did not start/.test(message)) {
      console.error('Another process may hold the port. Stop it, or choose other ports: DYNAMODB_PORT, CONSOLE_PORT, SES_PORT, HTTP_PORT.');
    }
    await stop(1);
    return;
  }

  console.log(`
Ready.
  Admin console:             http://localhost:${ports.http}/console
    sign in as ${DEMO_USERS.map((user) => `${user.email} (${user.groups.join(' + ')})`).join(',\n               ')}
    password for each (local demo only): ${DEMO_PASSWORD}
  Public archive:            http://localhost:${ports.http}/archive
  Table editor (DynamoDB):   http://localhost:${ports.console}
  Inbox (emails sent):       http://localhost:${ports.ses}
  Subscribe page:            http://localhost:${ports.http}/subscribe
  DynamoDB endpoint:         http://localhost:${ports.dynamo}

Try it: sign in to the admin console as editor@example.org, open a finding, have
chair@example.org approve it, then publish it. Tailored briefings appear in the inbox within
seconds. (Or, as before: in the table editor, table "findings", set "status" to "published".)
SES events work as in AWS: a list member at bounce@simulator.amazonses.com bounces (and is
suppressed), complaint@simulator.amazonses.com complains; the report counts deliveries.
Subscribe yourself on the subscribe page and confirm from the inbox: the next finding on
your topics comes to you too. Weekly digest: next run ${pipeline.digestTimer.next.toLocaleString('en-GB', { timeZone: 'Europe/London', dateStyle: 'full', timeStyle: 'short' })} UK time
(or now: npm run cli -- digest run --now).
Ctrl-C stops everything.`);
}

void main();
