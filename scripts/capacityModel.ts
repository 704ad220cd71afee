/**
 * Baton's capacity model (ARCHITECTURE.md, "Capacity model"): the default limit each service
 * puts on Baton, Baton's own demand on it per unit of load (counted from the code paths), and
 * the utilisation at two loads — 10,000 callbacks/s, and 100 new jobs/s for each system.
 *
 * The tables in ARCHITECTURE.md are `renderCapacityModel()`'s output, pasted between markers;
 * `test/capacity/capacityModel.test.ts` fails when the page and this file disagree, and
 * `npm run capacity -- --write` rewrites the page's block from here.
 *
 * Figures are defaults as documented (sources per limit). Quotas differ per account and region
 * and AWS raises some of them on its own: read the live value in Service Quotas before sizing.
 */

/** Who owns a limit, and so who can move it. */
export type Owner = 'AWS' | 'RunPod' | 'Baton';

export interface Limit {
  readonly service: string;
  /** What is limited, in words. */
  readonly name: string;
  /** The default: a sustained rate per second, or a count (concurrency, open executions, items). */
  readonly value: number;
  /** The unit of `value` (and of a demand on it). */
  readonly unit: string;
  /** Burst, bucket size or other shape of the limit, in words. */
  readonly burst?: string;
  /** How the default differs elsewhere (region, account age); absent = the same everywhere. */
  readonly varies?: string;
  readonly owner: Owner;
  /** Where the figure comes from: a documentation URL, or the Baton file that sets it. */
  readonly source: string;
  /** What a user changes to move it. */
  readonly move: string;
  /** Shown with its demand but left out of "binds first", and why: a ramp of the first minutes, a default no page publishes, a reach rather than a rate. */
  readonly unranked?: 'first minutes only' | 'account-specific' | 'a reach, not a rate' | 'only past SendTaskSuccess';
}

const DDB_PARTITIONS = 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/warm-throughput-scenarios.html';
const DDB_ON_DEMAND_MAX = 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/on-demand-capacity-mode-max-throughput.html';
const DDB_ON_DEMAND_INITIAL = 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/on-demand-capacity-mode.html';
const SFN_QUOTAS = 'https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html';
const SFN_BIG_REGIONS = 'US East (N. Virginia), US West (Oregon), Europe (Ireland)';
const LAMBDA_QUOTAS = 'https://docs.aws.amazon.com/lambda/latest/dg/limits.html';
const APIGW_QUOTAS = 'https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html';
const SQS_FIFO = 'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/troubleshooting-fifo-throttling-issues.html';
const EC2_THROTTLING = 'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/throttling.html';
const FARGATE_THROTTLING = 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/throttling.html';
const RUNPOD_OPERATIONS = 'https://docs.runpod.io/serverless/references/operations';

/** Every limit the model knows, by id. */
export const LIMITS = {
  // ── DynamoDB ──────────────────────────────────────────────────────────────
  ddbTableWrites: {
    service: 'DynamoDB',
    name: 'write request units per table (on-demand)',
    value: 40_000,
    unit: 'WRU/s',
    owner: 'AWS',
    source: DDB_ON_DEMAND_MAX,
    move: 'Service Quotas: table-level write throughput',
  },
  ddbTableReads: {
    service: 'DynamoDB',
    name: 'read request units per table (on-demand)',
    value: 40_000,
    unit: 'RRU/s',
    owner: 'AWS',
    source: DDB_ON_DEMAND_MAX,
    move: 'Service Quotas: table-level read throughput',
  },
  ddbNewTableWrites: {
    service: 'DynamoDB',
    name: 'a new on-demand table, before it has seen traffic (then 2× the previous peak per 30 min)',
    value: 4_000,
    unit: 'WRU/s',
    burst: '12,000 RRU/s',
    owner: 'AWS',
    source: DDB_ON_DEMAND_INITIAL,
    move: 'warm throughput (pre-warm) before launch, or ramp traffic over 30-minute steps',
    unranked: 'first minutes only',
  },
  ddbCallbackIndexShards: {
    service: 'DynamoDB',
    name: 'partition writes on the `redrive` and `reconcile` shards (1,000 WCU per partition × CALLBACK_INDEX_SHARDS = 32)',
    value: 32 * 1_000,
    unit: 'index writes/s per index',
    burst: '3,000 RCU per partition',
    owner: 'AWS',
    source: DDB_PARTITIONS,
    move: 'raise CALLBACK_INDEX_SHARDS (every writer and reader alike; see the sizing table)',
  },
  ddbUnqueuedPartition: {
    service: 'DynamoDB',
    name: "partition writes on the jobs table's `unqueued` index (1,000 WCU per partition × UNQUEUED_SHARDS = 16, `UNQUEUED#n`)",
    value: 16 * 1_000,
    unit: 'index writes/s',
    owner: 'AWS',
    source: DDB_PARTITIONS,
    move: 'raise UNQUEUED_SHARDS (a code constant in DynamoDbJobsItem.ts; it may only grow)',
  },
  ddbDayItem: {
    service: 'DynamoDB',
    name: "the counters table's day item (one key a day), at the partition's 1,000 WCU",
    value: 1_000,
    unit: 'WCU/s',
    owner: 'AWS',
    source: DDB_PARTITIONS,
    move: "nothing for the item's key; keep the day's count small (see the day item's size below)",
  },
  // ── Step Functions (Standard workflows: `.waitForTaskToken` needs them) ──
  sfnSendTaskSuccess: {
    service: 'Step Functions',
    name: 'SendTaskSuccess (each of SendTaskFailure, SendTaskHeartbeat has its own bucket of the same size)',
    value: 500,
    unit: 'calls/s',
    burst: 'bucket 3,000',
    varies: `${SFN_BIG_REGIONS}; elsewhere 300/s, bucket 1,500`,
    owner: 'AWS',
    source: SFN_QUOTAS,
    move: 'Service Quotas / Support: raise SendTaskSuccess',
  },
  sfnSendTaskHeartbeat: {
    service: 'Step Functions',
    name: 'SendTaskHeartbeat',
    value: 500,
    unit: 'calls/s',
    burst: 'bucket 3,000',
    varies: `${SFN_BIG_REGIONS}; elsewhere 300/s, bucket 1,500`,
    owner: 'AWS',
    source: SFN_QUOTAS,
    move: 'beat less often (WORKER_HEARTBEAT_SECONDS, well under HeartbeatSeconds), or raise the quota',
  },
  sfnStartExecution: {
    service: 'Step Functions',
    name: 'StartExecution (Standard)',
    value: 300,
    unit: 'calls/s',
    burst: 'bucket 1,300',
    varies: `${SFN_BIG_REGIONS}; elsewhere 150/s, bucket 800`,
    owner: 'AWS',
    source: SFN_QUOTAS,
    move: 'Service Quotas: raise StartExecution; or more work per execution (a Map over segments)',
  },
  sfnStateTransitions: {
    service: 'Step Functions',
    name: 'state transitions (Standard)',
    value: 5_000,
    unit: 'transitions/s',
    burst: 'bucket 5,000',
    varies: `${SFN_BIG_REGIONS}; elsewhere 800/s; lower for new accounts until AWS raises them`,
    owner: 'AWS',
    source: SFN_QUOTAS,
    move: 'Service Quotas: raise StateTransition; fewer states per unit of work',
  },
  sfnOpenExecutions: {
    service: 'Step Functions',
    name: 'open executions (Standard)',
    value: 1_000_000,
    unit: 'executions',
    owner: 'AWS',
    source: SFN_QUOTAS,
    move: 'Support: "millions"; or more segments per execution',
  },
  // ── Lambda ────────────────────────────────────────────────────────────────
  lambdaConcurrency: {
    service: 'Lambda',
    name: 'concurrent executions, shared by every function of the account and region',
    value: 1_000,
    unit: 'concurrent',
    burst: 'each function scales by 1,000 environments per 10 s',
    varies: 'lower for new accounts until AWS raises it',
    owner: 'AWS',
    source: LAMBDA_QUOTAS,
    move: 'Service Quotas: concurrent executions (tens of thousands); reserved concurrency keeps the webhook from starving',
  },
  // ── API Gateway ───────────────────────────────────────────────────────────
  apiGatewayAccount: {
    service: 'API Gateway',
    name: 'requests per account and region, across HTTP, REST and WebSocket APIs',
    value: 10_000,
    unit: 'requests/s',
    burst: 'bucket 5,000',
    varies: '2,500/s (burst 1,250) in Cape Town, Milan, Jakarta, UAE, Hyderabad, Melbourne, Spain, Zurich, Tel Aviv, Calgary, Malaysia, Thailand, Mexico',
    owner: 'AWS',
    source: APIGW_QUOTAS,
    move: 'Service Quotas: L-8A5B8E43',
  },
  // ── SQS ───────────────────────────────────────────────────────────────────
  sqsFifo: {
    service: 'SQS',
    name: 'FIFO queue, per API action (only if the job queue is FIFO; standard queues: nearly unlimited)',
    value: 300,
    unit: 'calls/s',
    burst: '3,000 messages/s with batches of 10',
    owner: 'AWS',
    source: SQS_FIFO,
    move: 'high-throughput FIFO mode, or a standard queue (the status machine absorbs reordering)',
  },
  // ── EC2 ───────────────────────────────────────────────────────────────────
  ec2RunInstancesResource: {
    service: 'EC2',
    name: 'RunInstances resource bucket: instances launched',
    value: 2,
    unit: 'instances/s',
    burst: 'bucket 1,000 instances',
    owner: 'AWS',
    source: EC2_THROTTLING,
    move: 'Support: API throttling increase; or fewer, longer-lived workers (several jobs per instance)',
  },
  ec2SpotVcpus: {
    service: 'EC2',
    name: 'running Spot vCPUs ("All Standard … Spot Instance Requests", L-34B43A08)',
    value: Number.NaN,
    unit: 'vCPUs',
    owner: 'AWS',
    varies: 'per account: no published default (the stored docs searched here have none); read Service Quotas',
    source: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-spot-limits.html',
    move: 'Service Quotas: L-34B43A08',
    unranked: 'account-specific',
  },
  // ── ECS / Fargate ─────────────────────────────────────────────────────────
  fargateLaunches: {
    service: 'ECS (Fargate)',
    name: 'tasks launched (RunTask count)',
    value: 20,
    unit: 'tasks/s',
    burst: 'bucket 100',
    owner: 'AWS',
    source: FARGATE_THROTTLING,
    move: 'Support: Fargate launch rate; or ECS on EC2 capacity',
  },
  fargateVcpus: {
    service: 'ECS (Fargate)',
    name: 'running Fargate On-Demand vCPUs',
    value: Number.NaN,
    unit: 'vCPUs',
    owner: 'AWS',
    varies: 'per account: no published default (the stored docs searched here have none); read Service Quotas',
    source: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html',
    move: 'Service Quotas: Fargate On-Demand vCPU resource count',
    unranked: 'account-specific',
  },
  // ── RunPod (per endpoint) ─────────────────────────────────────────────────
  runPodRun: {
    service: 'RunPod',
    name: '`/run` requests per endpoint',
    value: 100,
    unit: 'requests/s',
    burst: '1,000 per 10 s',
    owner: 'RunPod',
    source: RUNPOD_OPERATIONS,
    move: 'more endpoints (the limit is per endpoint), or RunPod support',
  },
  runPodRunConcurrent: {
    service: 'RunPod',
    name: '`/run` requests in flight per endpoint',
    value: 200,
    unit: 'in flight',
    owner: 'RunPod',
    source: RUNPOD_OPERATIONS,
    move: 'more endpoints, or RunPod support',
  },
  runPodStatus: {
    service: 'RunPod',
    name: '`/status` requests per endpoint',
    value: 200,
    unit: 'requests/s',
    burst: '2,000 per 10 s, 400 in flight',
    owner: 'RunPod',
    source: RUNPOD_OPERATIONS,
    move: 'more endpoints, or RunPod support',
  },
  // ── Baton's own defaults ──────────────────────────────────────────────────
  batonWebhookThrottle: {
    service: 'Baton',
    name: 'webhook stage throttle (`RunPodCallbacks` `webhookThrottle`)',
    value: 50,
    unit: 'requests/s',
    burst: 'burst 100',
    owner: 'Baton',
    source: 'deploy/lib/RunPodCallbacks.ts',
    move: '`webhookThrottle: { rateLimit, burstLimit }`',
  },
  batonJobApiThrottle: {
    service: 'Baton',
    name: 'job API stage throttle (`JobApi` `throttle`)',
    value: 20,
    unit: 'requests/s',
    burst: 'burst 40',
    owner: 'Baton',
    source: 'deploy/lib/JobApi.ts',
    move: '`throttle: { rateLimit, burstLimit }`',
  },
  batonDispatchThrottle: {
    service: 'Baton',
    name: 'dispatch API stage throttle (`EcsDispatch` `throttle`)',
    value: 10,
    unit: 'requests/s',
    burst: 'burst 20',
    owner: 'Baton',
    source: 'deploy/lib/EcsDispatch.ts',
    move: '`throttle: { rateLimit, burstLimit }`, or send through the queue',
  },
  batonReconcileReach: {
    service: 'Baton',
    name: 'PENDING RunPod mappings one `runpod-reconcile` run reads, oldest first (pages of 50 × 40)',
    value: 2_000,
    unit: 'mappings per run',
    owner: 'Baton',
    source: 'entrypoints/lambda/runpod-reconcile.ts',
    move: 'larger or more pages per run (and the function timeout), or RECONCILE_AFTER_SECONDS above the usual job length',
    unranked: 'a reach, not a rate',
  },
  batonRedriveDrain: {
    service: 'Baton',
    name: 'accepted outcomes `callback-redrive` resumes (pages of 100 × 20, every minute)',
    value: 2_000 / 60,
    unit: 'outcomes/s',
    owner: 'Baton',
    source: 'application/callbacks/RedriveCallbacks.ts',
    move: 'get the SendTask* quotas first; then larger or more pages per run (DEFAULT_REDRIVE_SETTINGS) or a shorter schedule',
    unranked: 'only past SendTaskSuccess',
  },
  batonDayItem: {
    service: 'Baton',
    name: "jobs one counters day item can hold (8-byte hash per job in a 400 KB item)",
    value: 50_000,
    unit: 'jobs a day',
    owner: 'Baton',
    source: 'adapters/dynamodb/DynamoDbDailyCounters.ts',
    move: 'a quota that fits a day (it is a daily budget, not a throughput); for more, several counter items each holding a share of the quota',
  },
} as const satisfies Record<string, Limit>;

export type LimitId = keyof typeof LIMITS;

/**
 * What the model assumes about the work: durations, item sizes, shapes of the pipelines.
 * Change one here and the tables move with it (and the doc test asks for the page to follow).
 */
export const ASSUMPTIONS = {
  /** The webhook's own time: claim, SendTask, final write (BENCHMARKS.md, DynamoDB Local: ~3.6 ms each at 16 in flight; AWS round trips are slower). */
  webhookSeconds: 0.06,
  /** submit-runpod-job: presign (local), PutItem, RunPod `/run`, SET job_id. */
  submitSeconds: 0.4,
  /** RunPod's `/run` round trip, inside submitSeconds. */
  runPodRunSeconds: 0.3,
  /** How long a GPU job runs before its webhook (10 minutes). */
  gpuJobSeconds: 600,
  /** RECONCILE_AFTER_SECONDS default: PENDING mappings older than this are the reconciler's. */
  reconcileAfterSeconds: 300,
  /** runpod-reconcile runs every 5 minutes (`reconcileSchedule`). */
  reconcileScheduleSeconds: 300,
  /** Write units of one callbacks-table write: the item holds a ~0.7-1 KB task token, so 1-2 KB. */
  callbackWriteUnits: 2,
  /** Write units of a sparse-index write: KEYS_ONLY items are far under 1 KB. */
  indexWriteUnits: 1,
  /** CALLBACK_INDEX_SHARDS default. */
  callbackIndexShards: 32,
  /** Segments per upscale execution (each is one GPU job and one callback). */
  segmentsPerExecution: 100,
  /** The upscale pipeline's Map runs 10 segments at a time. */
  mapConcurrency: 10,
  /** States run per segment (SubmitRunPodJob, KeepForAssembly) and per upscale execution (SplitVideo, the Map, AssembleVideo). */
  upscaleTransitionsPerSegment: 2,
  upscaleTransitionsPerExecution: 3,
  /** Happy path of manga-pipeline.asl.json, one TTS round: ReserveQuota … Cleanup. */
  mangaTransitionsPerExecution: 11,
  /** Job API: a job record (spec ≤ 256 KiB; typically 1-2 KB) and its small idempotency item. */
  jobWriteUnits: 2,
  /** Job API: status reports per job (processing, completed) and status reads per job. */
  statusReportsPerJob: 2,
  statusReadsPerJob: 1,
  /** Short handlers (job API, quota, ecs-task-state). */
  shortHandlerSeconds: 0.05,
  /** start-renderer: PutItem, RunInstances. dispatch-to-ecs: PutItem, RunTask, UpdateItem. */
  launchSeconds: 1,
  dispatchSeconds: 0.5,
  /** A render worker: c5.2xlarge (8 vCPUs) for 30 minutes, heartbeating every WORKER_HEARTBEAT_SECONDS. */
  workerSeconds: 1_800,
  workerVcpus: 8,
  workerHeartbeatSeconds: 60,
  /** An ECS task: 1 vCPU for 10 minutes. */
  ecsTaskSeconds: 600,
  ecsTaskVcpus: 1,
  /** Headroom for shard sizing: 1.5 × the target keeps the hottest shard (an uneven hash, a burst) under 1,000. */
  shardHeadroom: 1.5,
} as const;

/** One demand Baton puts on a limit per unit of the scenario's load. */
export interface Demand {
  readonly limit: LimitId;
  /** In the limit's unit, per one unit of load (per callback/s, per job/s). */
  readonly perUnit: number;
  /** A part that does not grow with the load (a scheduled run's fixed reach), in the limit's unit. */
  readonly fixed?: number;
  /** How the figure is counted, from the code path. */
  readonly how: string;
}

export interface Scenario {
  readonly id: string;
  readonly title: string;
  readonly load: number;
  /** The unit of `load`, singular: `callback`, `job`. */
  readonly per: string;
  readonly demands: readonly Demand[];
}

/**
 * AWS calls of one first delivery of a webhook (BENCHMARKS.md, "AWS calls per webhook path"):
 * the claim and the final write, and one SendTaskSuccess/Failure. A duplicate costs one write
 * (a failed condition is charged too) and no Step Functions call.
 */
export const WEBHOOK_PATH = { dynamoDbWrites: 2, stepFunctionsCalls: 1 } as const;
/** submit-runpod-job: PutItem PENDING, then SET job_id once RunPod answered (presigning is local). */
export const SUBMIT_PATH = { dynamoDbWrites: 2, runPodRuns: 1 } as const;

const A = ASSUMPTIONS;
const ONE_WEBHOOK = 1;
const SEND_TASK_REFILL = LIMITS.sfnSendTaskSuccess.value;
const CALLBACK_WRITES = SUBMIT_PATH.dynamoDbWrites + WEBHOOK_PATH.dynamoDbWrites;

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'callbacks',
    title: '10,000 callbacks/s (RunPod webhooks, steady state: each one a GPU job submitted earlier)',
    load: 10_000,
    per: 'callback',
    demands: [
      { limit: 'batonWebhookThrottle', perUnit: ONE_WEBHOOK, how: 'one POST per delivery' },
      { limit: 'apiGatewayAccount', perUnit: ONE_WEBHOOK, how: 'one POST per delivery' },
      {
        limit: 'lambdaConcurrency',
        perUnit: A.webhookSeconds + A.submitSeconds,
        how: `webhook ${A.webhookSeconds} s + submit ${A.submitSeconds} s per callback (Little's law)`,
      },
      {
        limit: 'ddbTableWrites',
        perUnit: CALLBACK_WRITES * A.callbackWriteUnits,
        how: `${CALLBACK_WRITES} writes × ${A.callbackWriteUnits} WRU: PutItem PENDING, SET job_id (submit); claim, final write (webhook)`,
      },
      { limit: 'ddbNewTableWrites', perUnit: CALLBACK_WRITES * A.callbackWriteUnits, how: `the same ${CALLBACK_WRITES} writes` },
      {
        limit: 'ddbCallbackIndexShards',
        perUnit: 2 * A.indexWriteUnits,
        how: 'per index: an item in (PutItem for `reconcile`, claim for `redrive`) and out (claim, final write)',
      },
      { limit: 'sfnSendTaskSuccess', perUnit: WEBHOOK_PATH.stepFunctionsCalls, how: 'one SendTaskSuccess (or SendTaskFailure) per callback' },
      {
        limit: 'batonRedriveDrain',
        perUnit: 1,
        fixed: -SEND_TASK_REFILL,
        how: `what SendTaskSuccess throttles (load − ${SEND_TASK_REFILL}/s) is left ACCEPTED for the redrive`,
      },
      {
        limit: 'sfnStateTransitions',
        perUnit: A.upscaleTransitionsPerSegment + A.upscaleTransitionsPerExecution / A.segmentsPerExecution,
        how: `${A.upscaleTransitionsPerSegment} states per segment + ${A.upscaleTransitionsPerExecution} per execution of ${A.segmentsPerExecution} segments`,
      },
      { limit: 'sfnStartExecution', perUnit: 1 / A.segmentsPerExecution, how: `one execution per ${A.segmentsPerExecution} segments` },
      {
        limit: 'sfnOpenExecutions',
        perUnit: A.gpuJobSeconds / A.mapConcurrency,
        how: `${A.gpuJobSeconds} s per job, ${A.mapConcurrency} jobs in flight per execution`,
      },
      { limit: 'runPodRun', perUnit: SUBMIT_PATH.runPodRuns, how: 'one `/run` per callback (all on one endpoint)' },
      { limit: 'runPodRunConcurrent', perUnit: A.runPodRunSeconds, how: `${A.runPodRunSeconds} s per \`/run\`` },
      {
        limit: 'runPodStatus',
        perUnit: 0,
        fixed: 2_000 / A.reconcileScheduleSeconds,
        how: 'the reconciler: at most 2,000 `/status` per 5-minute run, whatever the load',
      },
      {
        limit: 'batonReconcileReach',
        perUnit: A.gpuJobSeconds - A.reconcileAfterSeconds,
        how: `jobs running longer than ${A.reconcileAfterSeconds} s: load × (${A.gpuJobSeconds} − ${A.reconcileAfterSeconds}) s`,
      },
    ],
  },
  {
    id: 'runpod',
    title: '100 new jobs/s — RunPod callbacks (one GPU job and one webhook each; worst case: each its own execution)',
    load: 100,
    per: 'job',
    demands: [
      { limit: 'batonWebhookThrottle', perUnit: 1, how: 'one POST per job' },
      { limit: 'runPodRun', perUnit: 1, how: 'one `/run` per job' },
      { limit: 'sfnStartExecution', perUnit: 1, how: 'one execution per job' },
      { limit: 'sfnSendTaskSuccess', perUnit: 1, how: 'one per job' },
      { limit: 'runPodRunConcurrent', perUnit: A.runPodRunSeconds, how: `${A.runPodRunSeconds} s per \`/run\`` },
      {
        limit: 'sfnStateTransitions',
        perUnit: A.upscaleTransitionsPerSegment + A.upscaleTransitionsPerExecution,
        how: `${A.upscaleTransitionsPerSegment + A.upscaleTransitionsPerExecution} states per one-segment execution`,
      },
      { limit: 'sfnOpenExecutions', perUnit: A.gpuJobSeconds, how: `${A.gpuJobSeconds} s per execution` },
      { limit: 'lambdaConcurrency', perUnit: A.webhookSeconds + A.submitSeconds, how: 'submit + webhook time per job' },
      { limit: 'ddbTableWrites', perUnit: CALLBACK_WRITES * A.callbackWriteUnits, how: `${CALLBACK_WRITES} writes per job, as above` },
      { limit: 'apiGatewayAccount', perUnit: 1, how: 'one POST per job' },
      { limit: 'ddbCallbackIndexShards', perUnit: 2 * A.indexWriteUnits, how: 'per index: in and out' },
    ],
  },
  {
    id: 'job-api',
    title: '100 new jobs/s — job API (POST /jobs with an Idempotency-Key, two status reports, one GET each)',
    load: 100,
    per: 'job',
    demands: [
      { limit: 'batonJobApiThrottle', perUnit: 1 + A.statusReadsPerJob, how: 'POST /jobs + GET /jobs/{id}' },
      { limit: 'sqsFifo', perUnit: 1, how: 'one SendMessage per job' },
      {
        limit: 'ddbUnqueuedPartition',
        perUnit: 2 * A.indexWriteUnits,
        how: 'the job enters `unqueued` (create) and leaves it (the confirmed send)',
      },
      {
        limit: 'ddbTableWrites',
        perUnit: 2 * (A.jobWriteUnits + 1) + A.jobWriteUnits + A.statusReportsPerJob * A.jobWriteUnits,
        how: `TransactWrite job + key (2 × (${A.jobWriteUnits} + 1) WRU), REMOVE unqueued_pk (${A.jobWriteUnits}), ${A.statusReportsPerJob} conditional status writes`,
      },
      {
        limit: 'ddbTableReads',
        perUnit: A.statusReportsPerJob + A.statusReadsPerJob,
        how: 'a consistent GetItem per status report and per GET',
      },
      { limit: 'apiGatewayAccount', perUnit: 1 + A.statusReadsPerJob, how: 'POST + GET' },
      {
        limit: 'lambdaConcurrency',
        perUnit: (1 + A.statusReportsPerJob + A.statusReadsPerJob) * A.shortHandlerSeconds,
        how: `4 short invocations × ${A.shortHandlerSeconds} s (SQS batches make it less)`,
      },
    ],
  },
  {
    id: 'pipeline',
    title: '100 new jobs/s — pipeline helpers and quota (manga-pipeline.asl.json executions)',
    load: 100,
    per: 'job',
    demands: [
      { limit: 'batonDayItem', perUnit: 86_400, how: 'every job of a UTC day holds a slot on the day item' },
      { limit: 'sfnStartExecution', perUnit: 1, how: 'one execution per job' },
      { limit: 'sfnStateTransitions', perUnit: A.mangaTransitionsPerExecution, how: `${A.mangaTransitionsPerExecution} states on the happy path` },
      {
        limit: 'ddbDayItem',
        perUnit: 1,
        how: 'one conditional UpdateItem on the day key per reservation, 1 WCU while the item is under 1 KB (see below)',
      },
      {
        limit: 'lambdaConcurrency',
        perUnit: 2 * A.shortHandlerSeconds,
        how: 'reserve-quota and cleanup (the user\'s fetch/script/TTS functions are theirs)',
      },
    ],
  },
  {
    id: 'spot',
    title: '100 new jobs/s — Spot workers (start-renderer launches; each worker runs 30 min and heartbeats every 60 s)',
    load: 100,
    per: 'job',
    demands: [
      { limit: 'ec2RunInstancesResource', perUnit: 1, how: 'one instance per launch (the first pool with capacity)' },
      {
        limit: 'sfnSendTaskHeartbeat',
        perUnit: A.workerSeconds / A.workerHeartbeatSeconds,
        how: `${A.workerSeconds} s / ${A.workerHeartbeatSeconds} s beats per live worker`,
      },
      { limit: 'sfnSendTaskSuccess', perUnit: 1, how: 'one report per worker' },
      {
        limit: 'ddbTableReads',
        perUnit: A.workerSeconds / A.workerHeartbeatSeconds,
        how: 'a consistent GetItem per beat (the task token is read each time)',
      },
      { limit: 'lambdaConcurrency', perUnit: A.launchSeconds, how: `${A.launchSeconds} s per launch` },
      {
        limit: 'ddbTableWrites',
        perUnit: 3 * A.callbackWriteUnits,
        how: 'PutItem PENDING, claim, final write',
      },
      { limit: 'ec2SpotVcpus', perUnit: A.workerSeconds * A.workerVcpus, how: `${A.workerVcpus} vCPUs × ${A.workerSeconds} s per worker` },
    ],
  },
  {
    id: 'ecs',
    title: '100 new jobs/s — ECS dispatch (POST /jobs on the dispatch API; a 1-vCPU task of 10 minutes each)',
    load: 100,
    per: 'job',
    demands: [
      { limit: 'batonDispatchThrottle', perUnit: 1, how: 'one POST per job (the SQS trigger has no stage throttle)' },
      { limit: 'fargateLaunches', perUnit: 1, how: 'one RunTask of one task per job' },
      { limit: 'lambdaConcurrency', perUnit: A.dispatchSeconds + A.shortHandlerSeconds, how: 'dispatch-to-ecs + ecs-task-state' },
      {
        limit: 'ddbTableWrites',
        perUnit: 3 * A.jobWriteUnits,
        how: 'PutItem (create, lease), UpdateItem (task recorded), UpdateItem (task stopped)',
      },
      { limit: 'apiGatewayAccount', perUnit: 1, how: 'one POST per job' },
      { limit: 'fargateVcpus', perUnit: A.ecsTaskSeconds * A.ecsTaskVcpus, how: `${A.ecsTaskVcpus} vCPU × ${A.ecsTaskSeconds} s per task` },
    ],
  },
];

export interface Row {
  readonly limitId: LimitId;
  readonly limit: Limit;
  readonly demand: Demand;
  /** Demand at the scenario's load, in the limit's unit. */
  readonly total: number;
  /** total / limit; NaN when the limit is account-specific. */
  readonly utilisation: number;
  /** The load (in the scenario's unit per second) at which this limit is reached. */
  readonly ceiling: number;
}

/** The rows of a scenario, highest utilisation first (account-specific limits last). */
export function rowsOf(scenario: Scenario): Row[] {
  const rows = scenario.demands.map((demand): Row => {
    const limit: Limit = LIMITS[demand.limit];
    const fixed = demand.fixed ?? 0;
    const total = demand.perUnit * scenario.load + fixed;
    const ceiling = demand.perUnit === 0 ? Number.POSITIVE_INFINITY : (limit.value - fixed) / demand.perUnit;
    return { limitId: demand.limit, limit, demand, total, utilisation: total / limit.value, ceiling };
  });
  const rank = (r: Row) => (Number.isNaN(r.utilisation) ? -1 : r.utilisation);
  // Stable: equal utilisations keep the order the scenario lists them in.
  return rows.sort((a, b) => rank(b) - rank(a));
}

/** The limit that binds first among those of `owners`: the highest utilisation of the ranked limits. */
export function bindsFirst(scenario: Scenario, owners: readonly Owner[]): Row | undefined {
  return rowsOf(scenario).find((r) => owners.includes(r.limit.owner) && r.limit.unranked === undefined);
}

/**
 * Shards a sparse callback index needs for `callbacksPerSecond`: every callback writes each
 * index twice (the item in, the item out), a partition takes 1,000 writes/s, and the headroom
 * covers an uneven hash and bursts. `CALLBACK_INDEX_SHARDS` must be at least this.
 */
export function shardsFor(callbacksPerSecond: number, writesPerCallbackPerIndex = 2, headroom: number = ASSUMPTIONS.shardHeadroom): number {
  return Math.max(1, Math.ceil(((writesPerCallbackPerIndex * callbacksPerSecond) / 1_000) * headroom));
}

/** The day item's write units for one reservation when it holds `jobs` 8-byte hashes (~100 bytes of other attributes). */
export function dayItemWriteUnits(jobs: number): number {
  return Math.ceil((100 + 8 * jobs) / 1_024);
}

/** How many jobs a day the day item can take at `reservationsPerSecond` before its partition's 1,000 WCU/s is reached. */
export function dayItemJobsBeforePartitionLimit(reservationsPerSecond: number): number {
  let jobs = 0;
  while (reservationsPerSecond * dayItemWriteUnits(jobs + 1) <= 1_000) jobs += 1;
  return jobs;
}

// ── Rendering (the block ARCHITECTURE.md carries) ─────────────────────────────

/** 12345.6 → "12,346"; small values keep one or two significant decimals. */
export function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'account-specific';
  if (!Number.isFinite(n)) return '∞';
  const abs = Math.abs(n);
  const decimals = abs >= 100 || Number.isInteger(n) ? 0 : abs >= 1 ? 1 : 2;
  const [whole, fraction] = n.toFixed(decimals).split('.');
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction.replace(/0+$/, '')}`.replace(/\.$/, '');
}

export function formatPercent(u: number): string {
  if (Number.isNaN(u)) return '–';
  const p = u * 100;
  return `${p >= 1 ? formatNumber(Math.round(p)) : formatNumber(Math.round(p * 10) / 10)} %`;
}

function limitCell(l: Limit): string {
  return `${l.service}: ${l.name}`;
}

function defaultCell(l: Limit): string {
  return `${formatNumber(l.value)} ${l.unit}${l.burst ? ` (${l.burst})` : ''}`;
}

function demandCell(r: Row): string {
  const amount =
    r.demand.fixed === undefined
      ? formatNumber(r.demand.perUnit)
      : r.demand.perUnit === 0
        ? `${formatNumber(r.demand.fixed)}/s in all`
        : `${formatNumber(r.demand.perUnit)} − ${formatNumber(-r.demand.fixed)}/s`;
  return `${amount}: ${r.demand.how}`;
}

function scenarioTable(s: Scenario): string {
  const lines = [
    `| limit | default | Baton's demand per ${s.per}/s (in the limit's unit) | at ${formatNumber(s.load)} ${s.per}s/s | used | reached at (${s.per}s/s) | to move it |`,
    '| --- | --- | --- | ---: | ---: | ---: | --- |',
  ];
  for (const r of rowsOf(s)) {
    const mark = r.limit.unranked === undefined ? '' : ` *(${r.limit.unranked})*`;
    lines.push(
      `| ${limitCell(r.limit)}${mark} | ${defaultCell(r.limit)} | ${demandCell(r)} | ${formatNumber(r.total)} | ${formatPercent(r.utilisation)} | ${r.limit.unranked === 'account-specific' ? '–' : formatNumber(r.ceiling)} | ${r.limit.move} |`,
    );
  }
  return lines.join('\n');
}

function summaryTable(): string {
  const lines = ['| load | first Baton default | first AWS limit | RunPod (per endpoint) |', '| --- | --- | --- | --- |'];
  for (const s of SCENARIOS) {
    const cell = (r: Row | undefined) =>
      r === undefined
        ? '–'
        : `${r.limit.name.split(' (')[0]}${r.limit.owner === 'AWS' ? ` (${r.limit.service})` : ''}: **${formatPercent(r.utilisation)}**, reached at ${formatNumber(r.ceiling)}/s`;
    lines.push(`| ${s.title.split(' (')[0]} | ${cell(bindsFirst(s, ['Baton']))} | ${cell(bindsFirst(s, ['AWS']))} | ${cell(bindsFirst(s, ['RunPod']))} |`);
  }
  return lines.join('\n');
}

function shardTable(): string {
  const rates = [1_000, 5_000, 10_000, 16_000, 50_000, 100_000];
  const lines = ['| callbacks/s | index writes/s per index | shards needed (× 1.5 headroom) | CALLBACK_INDEX_SHARDS = 32 covers it |', '| ---: | ---: | ---: | --- |'];
  for (const rate of rates) {
    const shards = shardsFor(rate);
    lines.push(`| ${formatNumber(rate)} | ${formatNumber(2 * rate)} | ${shards} | ${shards <= ASSUMPTIONS.callbackIndexShards ? 'yes' : 'no: raise it'} |`);
  }
  return lines.join('\n');
}

function sourcesTable(): string {
  const lines = ['| limit | default | differs | source |', '| --- | --- | --- | --- |'];
  for (const l of Object.values(LIMITS) as Limit[]) {
    if (l.owner === 'Baton') continue;
    lines.push(`| ${limitCell(l)} | ${defaultCell(l)} | ${l.varies ?? 'no'} | <${l.source}> |`);
  }
  return lines.join('\n');
}

function derivedFigures(): string {
  const load = 100;
  const fullAfter = LIMITS.batonDayItem.value / load;
  const partitionJobs = dayItemJobsBeforePartitionLimit(load);
  const callbacks = SCENARIOS[0]!;
  const lambda = rowsOf(callbacks).find((r) => r.limitId === 'lambdaConcurrency')!;
  const submitEnvironments = callbacks.load * ASSUMPTIONS.submitSeconds;
  return [
    `- Day item at ${load} reservations/s: full (${formatNumber(LIMITS.batonDayItem.value)} jobs) after ${formatNumber(fullAfter)} s; its partition's 1,000 WCU/s is reached once it holds ${formatNumber(partitionJobs)} jobs (a write costs ⌈(100 + 8·jobs) / 1,024⌉ WCU: ${dayItemWriteUnits(partitionJobs + 1)} WCU × ${load}/s), after ${formatNumber(partitionJobs / load)} s.`,
    `- Lambda at 10,000 callbacks/s: ${formatNumber(lambda.total)} concurrent executions; \`submit-runpod-job\` alone needs ${formatNumber(submitEnvironments)}, which a function reaches from cold in ${formatNumber(Math.ceil(submitEnvironments / 1_000) * 10)} s at 1,000 environments per 10 s.`,
    `- Shards: ${ASSUMPTIONS.callbackIndexShards} shards take ${formatNumber((ASSUMPTIONS.callbackIndexShards * 1_000) / 2)} callbacks/s at full partitions, ${formatNumber((ASSUMPTIONS.callbackIndexShards * 1_000) / 2 / ASSUMPTIONS.shardHeadroom)} with the 1.5 headroom.`,
  ].join('\n');
}

/** The generated block of ARCHITECTURE.md's "Capacity model" section (between its markers). */
export function renderCapacityModel(): string {
  const parts = ['**Which limit binds first** (steady state; the per-scenario tables below rank every limit and say what moves it)', '', summaryTable(), ''];
  for (const s of SCENARIOS) parts.push(`**${s.title}**`, '', scenarioTable(s), '');
  parts.push('**Derived figures**', '', derivedFigures(), '');
  parts.push('**Sizing `CALLBACK_INDEX_SHARDS`**: shards ≥ ⌈2 × callbacks/s ÷ 1,000 × 1.5⌉ (`shardsFor`)', '', shardTable(), '');
  parts.push('**Where each default comes from**', '', sourcesTable());
  return parts.join('\n');
}

export const CAPACITY_BEGIN = '<!-- capacity-model:begin (generated by scripts/capacityModel.ts; `npm run capacity -- --write`) -->';
export const CAPACITY_END = '<!-- capacity-model:end -->';

/** `text` with the block between the markers replaced by `renderCapacityModel()`. */
export function withCapacityModel(text: string): string {
  const begin = text.indexOf(CAPACITY_BEGIN);
  const end = text.indexOf(CAPACITY_END);
  if (begin < 0 || end < begin) throw new Error('ARCHITECTURE.md has no capacity-model markers');
  return `${text.slice(0, begin + CAPACITY_BEGIN.length)}\n${renderCapacityModel()}\n${text.slice(end)}`;
}
