import * as v from 'valibot';
import { logLevel, optionalString, positiveInt, requiredString } from '../config/readConfig.js';
import { awsDispatchModule, Dispatch, dispatchUseCasesModule } from '../container/dispatchModule.js';
import { Platform } from '../container/platformModule.js';
import { dispatchToEcsHandler } from '../handlers/dispatchToEcs.js';
import { API_GATEWAY_TIMEOUT_MS } from '../http/apiGateway.js';
import { defineLambda } from '../runtime/defineLambda.js';

/** `subnet-a,subnet-b` → ['subnet-a', 'subnet-b']; blank → []. */
const commaList = v.optional(
  v.pipe(
    v.string(),
    v.transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean)),
  ),
  '',
);

/** API Gateway `POST /jobs` (REST v1 / HTTP v2), SQS batches, and direct `{"url": …}` invocations (seed 004). */
export const handler = defineLambda({
  name: 'dispatch-to-ecs',
  config: v.object({
    ECS_CLUSTER: requiredString,
    ECS_TASK_DEF: requiredString,
    S3_BUCKET: requiredString,
    DDB_TABLE: requiredString,
    CONTAINER_NAME: requiredString,
    TTL_DAYS: v.optional(positiveInt, '7'),
    TRANSMISSION_TASK_DEF: optionalString,
    /** The Transmission task's container, if not named CONTAINER_NAME. */
    TRANSMISSION_CONTAINER_NAME: optionalString,
    /** Unset: the cluster's default capacity provider strategy. */
    ECS_LAUNCH_TYPE: v.optional(v.picklist(['FARGATE', 'EC2', 'EXTERNAL'], 'must be FARGATE, EC2 or EXTERNAL')),
    /** awsvpc tasks (Fargate): comma-separated subnet ids, security group ids. */
    ECS_SUBNETS: commaList,
    ECS_SECURITY_GROUPS: commaList,
    ECS_ASSIGN_PUBLIC_IP: v.optional(v.picklist(['ENABLED', 'DISABLED'], 'must be ENABLED or DISABLED'), 'DISABLED'),
    /** How long one delivery holds a job's launch; keep it above the function timeout. */
    LAUNCH_LEASE_SECONDS: v.optional(positiveInt, '120'),
    LOG_LEVEL: logLevel,
  }),
  modules: (config) => [
    awsDispatchModule({
      tableName: config.DDB_TABLE,
      ecs: {
        cluster: config.ECS_CLUSTER,
        ...(config.ECS_LAUNCH_TYPE ? { launchType: config.ECS_LAUNCH_TYPE } : {}),
        subnets: config.ECS_SUBNETS,
        securityGroups: config.ECS_SECURITY_GROUPS,
        assignPublicIp: config.ECS_ASSIGN_PUBLIC_IP,
      },
    }),
    dispatchUseCasesModule({
      taskDefinition: config.ECS_TASK_DEF,
      containerName: config.CONTAINER_NAME,
      ...(config.TRANSMISSION_TASK_DEF ? { transmissionTaskDefinition: config.TRANSMISSION_TASK_DEF } : {}),
      ...(config.TRANSMISSION_CONTAINER_NAME ? { transmissionContainerName: config.TRANSMISSION_CONTAINER_NAME } : {}),
      bucket: config.S3_BUCKET,
      ttlDays: config.TTL_DAYS,
      leaseSeconds: config.LAUNCH_LEASE_SECONDS,
    }),
  ],
  handler: (resolve) =>
    dispatchToEcsHandler(resolve(Dispatch.DispatchToEcs), resolve(Platform.Ids), resolve(Platform.Log), resolve(Platform.Metrics)),
  budgetCapMs: API_GATEWAY_TIMEOUT_MS,
});
