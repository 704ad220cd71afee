import { Logger } from '@aws-lambda-powertools/logger';
import * as v from 'valibot';
import { DynamoDbCallbackMappings } from '../../adapters/dynamodb/DynamoDbCallbackMappings.js';
import { PowertoolsLog } from '../../adapters/logging/PowertoolsLog.js';
import { StepFunctionsTaskTokens } from '../../adapters/stepfunctions/StepFunctionsTaskTokens.js';
import { PowerOffWorkerHost } from '../../adapters/system/PowerOffWorkerHost.js';
import { SystemClock } from '../../adapters/system/SystemClock.js';
import type { Metrics } from '../../application/ports/Metrics.js';
import { WORKER_ROLES } from '../../domain/launch/WorkerRole.js';
import { dynamoDbClient } from '../aws/dynamoDbClient.js';
import { sfnClient } from '../aws/sfnClient.js';
import { callbackIndexShards, logLevel, optionalString, positiveInt, readConfig, requiredString } from '../config/readConfig.js';
import { createWorker, DEFAULT_HEARTBEAT_SECONDS } from './createWorker.js';
import type { Worker } from './Worker.js';

const schema = v.pipe(
  v.object({
    JOB_ID: requiredString,
    WORKER_ROLE: v.optional(v.picklist(WORKER_ROLES, 'must be renderer or uploader')),
    CALLBACK_TOKEN: optionalString,
    CALLBACK_TABLE_NAME: optionalString,
    /** Set by the launcher: the claim writes its `redrive_pk` in the shard every reader of the table reads. */
    CALLBACK_INDEX_SHARDS: callbackIndexShards,
    TASK_TOKEN: optionalString,
    WORKER_HEARTBEAT_SECONDS: v.optional(positiveInt, String(DEFAULT_HEARTBEAT_SECONDS)),
    /** `false` keeps the machine running when the task is gone (a worker run by hand, not on its own instance). */
    WORKER_STOP_HOST_WHEN_GONE: v.optional(v.picklist(['true', 'false'], 'must be true or false'), 'true'),
    LOG_LEVEL: logLevel,
  }),
  v.forward(
    v.partialCheck(
      [['CALLBACK_TOKEN'], ['CALLBACK_TABLE_NAME'], ['TASK_TOKEN']],
      (env) => (env.CALLBACK_TOKEN !== undefined && env.CALLBACK_TABLE_NAME !== undefined) || env.TASK_TOKEN !== undefined,
      'and CALLBACK_TABLE_NAME are required (or TASK_TOKEN, when the launcher opted in)',
    ),
    ['CALLBACK_TOKEN'],
  ),
);

/** EMF metrics need Lambda's flush point; a worker process has none, so it counts nothing. */
const noMetrics: Metrics = { count: () => undefined };

/**
 * The Worker of a process on a Spot instance launched by `start-renderer` / `start-uploader`,
 * from the variables its user-data set (`JOB_ID`, `WORKER_ROLE`, `CALLBACK_TOKEN` and
 * `CALLBACK_TABLE_NAME`, or `TASK_TOKEN`), using the instance role's credentials.
 * `WORKER_HEARTBEAT_SECONDS` (default 60) sets the heartbeat interval. When Step Functions says
 * the task is gone, the instance powers itself off (`WORKER_STOP_HOST_WHEN_GONE=false` keeps it).
 *
 * @example
 * await runWorker(workerFromEnvironment(), async () => ({ youtube_url: await upload() }));
 */
export function workerFromEnvironment(env: Record<string, string | undefined> = process.env): Worker {
  const config = readConfig('worker', env, schema);
  const log = new PowertoolsLog(new Logger({ serviceName: 'baton-worker', logLevel: config.LOG_LEVEL as 'INFO' }));
  const access =
    config.CALLBACK_TOKEN !== undefined && config.CALLBACK_TABLE_NAME !== undefined
      ? {
          kind: 'callback' as const,
          callbackToken: config.CALLBACK_TOKEN,
          mappings: new DynamoDbCallbackMappings(dynamoDbClient(), config.CALLBACK_TABLE_NAME, {
            callbackIndexShards: config.CALLBACK_INDEX_SHARDS,
          }),
        }
      : { kind: 'taskToken' as const, taskToken: config.TASK_TOKEN! };
  return createWorker({
    jobId: config.JOB_ID,
    ...(config.WORKER_ROLE === undefined ? {} : { role: config.WORKER_ROLE }),
    access,
    taskTokens: new StepFunctionsTaskTokens(sfnClient(), { log }),
    clock: new SystemClock(),
    log,
    metrics: noMetrics,
    heartbeatIntervalSeconds: config.WORKER_HEARTBEAT_SECONDS,
    ...(config.WORKER_STOP_HOST_WHEN_GONE === 'true' ? { host: new PowerOffWorkerHost() } : {}),
  });
}
