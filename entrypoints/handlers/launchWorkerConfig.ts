import * as v from 'valibot';
import type { WorkerLaunchSettings } from '../../domain/launch/RenderLaunch.js';
import { DEFAULT_INSTANCE_TYPE, type WorkerRole } from '../../domain/launch/WorkerRole.js';
import { callbackIndexShards, logLevel, optionalString, readConfig, requiredString } from '../config/readConfig.js';

/** A comma-separated list (`c5.2xlarge, c6i.2xlarge`), each item matching `item`, order kept. */
function list(item: RegExp, what: string) {
  return v.pipe(
    requiredString,
    v.transform((s) => s.split(',').map((x) => x.trim()).filter((x) => x !== '')),
    v.check((xs) => xs.length > 0 && xs.every((x) => item.test(x)), `must be a comma-separated list of ${what}`),
  );
}

const flag = (fallback: 'true' | 'false') =>
  v.pipe(
    v.optional(v.pipe(v.string(), v.trim(), v.toLowerCase(), v.picklist(['true', 'false'], 'must be true or false')), fallback),
    v.transform((s) => s === 'true'),
  );

function schema(role: WorkerRole) {
  const p = role.toUpperCase();
  return v.pipe(
    v.object({
      [`${p}_AMI_ID`]: v.pipe(requiredString, v.regex(/^ami-[0-9a-f]+$/, 'must be an AMI id (ami-…)')),
      [`${p}_INSTANCE_TYPE`]: v.optional(list(/^[a-z0-9-]+\.[a-z0-9-]+$/, 'instance types'), DEFAULT_INSTANCE_TYPE[role]),
      [`${p}_SECURITY_GROUP_ID`]: list(/^sg-[0-9a-f]+$/, 'security group ids (sg-…)'),
      [`${p}_SUBNET_ID`]: list(/^subnet-[0-9a-f]+$/, 'subnet ids (subnet-…)'),
      [`${p}_IAM_INSTANCE_PROFILE`]: requiredString,
      CALLBACK_TABLE_NAME: optionalString,
      CALLBACK_INDEX_SHARDS: callbackIndexShards,
      WORKER_TASK_TOKEN_IN_USER_DATA: flag('false'),
      WORKER_REPOSITORY_URL: optionalString,
      WORKER_REPOSITORY_REF: optionalString,
      WORKER_WORK_DIR: v.optional(requiredString, '/opt/manga-pipeline'),
      WORKER_SHUTDOWN_WHEN_DONE: flag('true'),
      WORKER_COMMAND: optionalString,
      WORKER_PYTHON_PACKAGE: optionalString,
      AWS_REGION: optionalString,
      LOG_LEVEL: logLevel,
    }),
    v.forward(
      v.partialCheck(
        [['CALLBACK_TABLE_NAME'], ['WORKER_TASK_TOKEN_IN_USER_DATA']],
        (env) => env.CALLBACK_TABLE_NAME !== undefined || env.WORKER_TASK_TOKEN_IN_USER_DATA === true,
        'is required (unless WORKER_TASK_TOKEN_IN_USER_DATA=true)',
      ),
      ['CALLBACK_TABLE_NAME'],
    ),
  );
}

export interface LaunchWorkerConfig {
  readonly settings: WorkerLaunchSettings;
  /** Undefined when the task token travels in user-data (opt-in). */
  readonly callbackTableName: string | undefined;
  /** `CALLBACK_INDEX_SHARDS`: the launcher's own mappings use it, and hand it to the worker. */
  readonly callbackIndexShards: number;
  /** Named as in every handler's configuration (`defineLambda` reads it). */
  readonly LOG_LEVEL: string;
}

/**
 * The environment of `start-renderer` / `start-uploader`, read once at cold start.
 * `<ROLE>_INSTANCE_TYPE` and `<ROLE>_SUBNET_ID` take comma-separated lists, tried in order.
 *
 * @example
 * const config = readLaunchWorkerConfig('renderer', process.env);
 */
export function readLaunchWorkerConfig(role: WorkerRole, env: Record<string, string | undefined>): LaunchWorkerConfig {
  const p = role.toUpperCase();
  const c = readConfig(`start-${role}`, env, schema(role)) as Record<string, unknown>;
  const text = (name: string) => c[name] as string;
  const optional = (name: string) => c[name] as string | undefined;
  const settings: WorkerLaunchSettings = {
    role,
    amiId: text(`${p}_AMI_ID`),
    instanceTypes: c[`${p}_INSTANCE_TYPE`] as string[],
    subnetIds: c[`${p}_SUBNET_ID`] as string[],
    securityGroupIds: c[`${p}_SECURITY_GROUP_ID`] as string[],
    iamInstanceProfile: text(`${p}_IAM_INSTANCE_PROFILE`),
    workDir: text('WORKER_WORK_DIR'),
    shutdownWhenDone: c.WORKER_SHUTDOWN_WHEN_DONE as boolean,
    // Only a worker that reports through the table writes its index keys.
    ...(c.WORKER_TASK_TOKEN_IN_USER_DATA === true ? {} : { callbackIndexShards: c.CALLBACK_INDEX_SHARDS as number }),
    ...(optional('AWS_REGION') === undefined ? {} : { region: text('AWS_REGION') }),
    ...(optional('WORKER_REPOSITORY_URL') === undefined ? {} : { repositoryUrl: text('WORKER_REPOSITORY_URL') }),
    ...(optional('WORKER_REPOSITORY_REF') === undefined ? {} : { repositoryRef: text('WORKER_REPOSITORY_REF') }),
    ...(optional('WORKER_COMMAND') === undefined ? {} : { command: text('WORKER_COMMAND') }),
    ...(optional('WORKER_PYTHON_PACKAGE') === undefined ? {} : { pythonPackage: text('WORKER_PYTHON_PACKAGE') }),
  };
  return Object.freeze({
    settings: Object.freeze(settings),
    callbackTableName: c.WORKER_TASK_TOKEN_IN_USER_DATA === true ? undefined : optional('CALLBACK_TABLE_NAME'),
    callbackIndexShards: c.CALLBACK_INDEX_SHARDS as number,
    LOG_LEVEL: text('LOG_LEVEL'),
  });
}
