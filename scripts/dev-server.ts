/**
 * `npm run dev`: the webhook and the job API on http://127.0.0.1:3000, served by the real
 * handlers through API Gateway-shaped events, on in-memory adapters; the dev console at `/`.
 * Flags: --port N (or PORT=N), --host H, --quiet (warnings and errors only), --dynamodb (the
 * callbacks and jobs tables on a DynamoDB Local the server starts, through the real DynamoDB adapters).
 */
import { parseArgs } from 'node:util';
import { startDynamoDbLocal, type RunningDynamoDbLocal } from '../test/support/dynamoDbLocal.js';
import { devServerGroups, type DevStores } from '../simulation/devserver/devServerGroups.js';
import { dynamoDbBackend, type DynamoDbBackend } from '../simulation/devserver/dynamoDbBackend.js';
import { PortInUse, startDevServer } from '../simulation/devserver/startDevServer.js';

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      options: {
        port: { type: 'string' },
        host: { type: 'string', default: '127.0.0.1' },
        quiet: { type: 'boolean', default: false },
        dynamodb: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write('Usage: npm run dev -- [--port N] [--host 127.0.0.1] [--quiet] [--dynamodb]\n');
    return 0;
  }
  const rawPort = values.port ?? process.env.PORT ?? '3000';
  const port = Number(rawPort);
  if (!/^\d+$/.test(rawPort) || port > 65_535) {
    process.stderr.write(`invalid port "${rawPort}": expected an integer 0–65535\n`);
    return 2;
  }
  let dynamo: RunningDynamoDbLocal | undefined;
  let backend: DynamoDbBackend | undefined;
  let stores: DevStores = {};
  if (values.dynamodb) {
    process.stdout.write('Starting DynamoDB Local…\n');
    dynamo = await startDynamoDbLocal();
    backend = await dynamoDbBackend(dynamo.endpoint);
    stores = { mappings: backend.mappings, jobs: backend.jobs };
  }
  const shutdown = async () => {
    backend?.close();
    await dynamo?.stop();
  };
  try {
    const server = await startDevServer({
      port,
      host: values.host,
      logLevel: values.quiet ? 'warn' : 'info',
      groups: devServerGroups(stores),
    });
    process.stdout.write(
      [
        `Baton dev server on ${server.url} (${dynamo && backend ? `DynamoDB Local at ${dynamo.endpoint}, tables ${backend.tables.callbacks} and ${backend.tables.jobs}` : 'in-memory adapters'})`,
        `Dev console: open ${server.url}/ in a browser`,
        ...server.routes.map((r) => `  ${r}`),
        '',
        `Try: curl -X POST ${server.url}/dev/runpod-jobs   then   curl ${server.url}/dev/executions`,
        '',
      ].join('\n'),
    );
    const stop = () => {
      void server.close().then(shutdown).then(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return -1;
  } catch (error) {
    await shutdown();
    if (error instanceof PortInUse) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

main().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`dev server failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
