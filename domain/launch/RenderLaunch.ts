import { err, ok, type Result } from 'neverthrow';
import { invalidInput, type FieldIssue, type InvalidInput } from '../shared/InvalidInput.js';
import { hasNul } from './shellQuote.js';
import { userDataScript, type WorkerEnvironment } from './userDataScript.js';
import { WORKER_MODULE, type WorkerRole } from './WorkerRole.js';

/**
 * How one role's workers are launched: read once from the launcher's configuration.
 * `instanceTypes` and `subnetIds` are in order of preference (see {@link placements}).
 */
export interface WorkerLaunchSettings {
  readonly role: WorkerRole;
  readonly amiId: string;
  readonly instanceTypes: readonly string[];
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
  /** An instance profile ARN (`arn:aws:iam::…:instance-profile/…`) or name. */
  readonly iamInstanceProfile: string;
  /** The region the worker's AWS clients use (the launcher's own). */
  readonly region?: string;
  /** Where the worker's code comes from; without it the AMI must already hold it in `workDir`. */
  readonly repositoryUrl?: string;
  /** Branch or tag to clone; the repository's default branch when absent. */
  readonly repositoryRef?: string;
  readonly workDir: string;
  /** Power off (and so terminate the one-time Spot instance) when the worker exits, however it exits. */
  readonly shutdownWhenDone: boolean;
  /** The command that runs the worker in the venv; the seed's `python -m src.<role>.main` when absent. */
  readonly command?: string;
  /**
   * A pip requirement for Baton's Python worker client (`workers/python`), installed into the venv
   * before `requirements.txt`: a wheel URL, `baton-worker @ git+https://…@<tag>#subdirectory=workers/python`,
   * or a path on the AMI. Absent: the worker's own requirements must bring it.
   */
  readonly pythonPackage?: string;
  /**
   * The callbacks table's index shards (`CALLBACK_INDEX_SHARDS`), handed to the worker so its
   * claim writes the `redrive_pk` every other writer would. Absent: the worker's default (32).
   */
  readonly callbackIndexShards?: number;
}

/**
 * What the worker gets to report back with. By default a callback token: the task token
 * stays in the callbacks table and the worker resolves it with its instance role, so the
 * user-data (readable by anyone with `ec2:DescribeInstanceAttribute`) holds no Step Functions
 * credential. `taskToken` is the seed's behaviour, only on explicit opt-in.
 */
export type WorkerCredential =
  | { readonly kind: 'callback'; readonly callbackToken: string; readonly callbackTableName: string }
  | { readonly kind: 'taskToken'; readonly taskToken: string };

/** One capacity pool to try: an instance type in a subnet (and so an availability zone). */
export interface Placement {
  readonly instanceType: string;
  readonly subnetId: string;
}

export interface Tag {
  readonly key: string;
  readonly value: string;
}

/** Everything needed to launch one worker, ready for the Spot adapter. */
export interface RenderLaunch {
  readonly role: WorkerRole;
  readonly jobId: string;
  readonly amiId: string;
  readonly securityGroupIds: readonly string[];
  readonly iamInstanceProfile: string;
  /** Pools in the order to try them. */
  readonly placements: readonly Placement[];
  readonly tags: readonly Tag[];
  /** The bash script the instance runs at first boot (plain text; the adapter encodes it). */
  readonly userData: string;
}

/** EC2 refuses user-data over 16 KB (before base64). */
export const MAX_USER_DATA_BYTES = 16_384;

export const JOB_ID_TAG = 'baton:job-id';
export const ROLE_TAG = 'baton:role';
/** The Step Functions execution the worker works for: how its end, or the sweeper, finds the instance. */
export const EXECUTION_TAG = 'baton:execution-arn';

/**
 * Every pool to try, instance type first: all subnets of the preferred type before the next
 * type, because the type decides cost and speed while the zone only decides where.
 *
 * @example
 * placements(['c5.2xlarge', 'c6i.2xlarge'], ['subnet-a', 'subnet-b'])
 * // c5.2xlarge@subnet-a, c5.2xlarge@subnet-b, c6i.2xlarge@subnet-a, c6i.2xlarge@subnet-b
 */
export function placements(instanceTypes: readonly string[], subnetIds: readonly string[]): Placement[] {
  return instanceTypes.flatMap((instanceType) => subnetIds.map((subnetId) => ({ instanceType, subnetId })));
}

/** The variables the worker process starts with, in the order the script sets them. */
function workerEnvironment(
  settings: WorkerLaunchSettings,
  jobId: string,
  credential: WorkerCredential,
): WorkerEnvironment {
  const env: [string, string][] = [
    ['JOB_ID', jobId],
    ['WORKER_ROLE', settings.role],
  ];
  if (credential.kind === 'callback') {
    env.push(['CALLBACK_TOKEN', credential.callbackToken], ['CALLBACK_TABLE_NAME', credential.callbackTableName]);
    if (settings.callbackIndexShards !== undefined) env.push(['CALLBACK_INDEX_SHARDS', String(settings.callbackIndexShards)]);
  } else {
    env.push(['TASK_TOKEN', credential.taskToken]);
  }
  if (settings.region !== undefined) env.push(['AWS_REGION', settings.region], ['AWS_DEFAULT_REGION', settings.region]);
  if (settings.repositoryUrl !== undefined) env.push(['REPOSITORY_URL', settings.repositoryUrl]);
  if (settings.repositoryRef !== undefined) env.push(['REPOSITORY_REF', settings.repositoryRef]);
  env.push(['WORK_DIR', settings.workDir]);
  if (settings.pythonPackage !== undefined) env.push(['WORKER_PYTHON_PACKAGE', settings.pythonPackage]);
  env.push(['WORKER_COMMAND', settings.command ?? `python -m ${WORKER_MODULE[settings.role]}`]);
  return env;
}

/**
 * The launch of one worker for `jobId`. Refuses values no shell variable can hold (NUL) and
 * a script EC2 would refuse (over 16 KB); every other value is quoted, whatever it contains.
 *
 * @example
 * const launch = planLaunch(settings, 'job-abc123', { kind: 'callback', callbackToken, callbackTableName });
 */
export function planLaunch(
  settings: WorkerLaunchSettings,
  jobId: string,
  credential: WorkerCredential,
  executionArn?: string,
): Result<RenderLaunch, InvalidInput> {
  const env = workerEnvironment(settings, jobId, credential);
  const issues: FieldIssue[] = env
    .filter(([, value]) => hasNul(value))
    .map(([name]) => ({ field: name, message: 'must not contain NUL characters' }));
  if (issues.length > 0) return err(invalidInput(issues));

  const userData = userDataScript(settings.role, env, { shutdownWhenDone: settings.shutdownWhenDone });
  const bytes = new TextEncoder().encode(userData).length;
  if (bytes > MAX_USER_DATA_BYTES) {
    return err(invalidInput([{ field: 'user_data', message: `is ${bytes} bytes; EC2 accepts at most ${MAX_USER_DATA_BYTES}` }]));
  }
  return ok({
    role: settings.role,
    jobId,
    amiId: settings.amiId,
    securityGroupIds: settings.securityGroupIds,
    iamInstanceProfile: settings.iamInstanceProfile,
    placements: placements(settings.instanceTypes, settings.subnetIds),
    tags: [
      { key: 'Name', value: `baton-${settings.role}-${jobId}` },
      { key: JOB_ID_TAG, value: jobId },
      { key: ROLE_TAG, value: settings.role },
      ...(executionArn === undefined ? [] : [{ key: EXECUTION_TAG, value: executionArn }]),
    ],
    userData,
  });
}
