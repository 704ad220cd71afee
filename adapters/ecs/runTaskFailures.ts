import type { Failure } from '@aws-sdk/client-ecs';
import type { TaskPlacementFailure } from '../../application/ports/ContainerTasks.js';

/**
 * ECS placement failure reasons that waiting can cure: no CPU, memory, ports, ENIs or GPUs
 * free (`RESOURCE:*`), an agent disconnected (`AGENT`), no instance with a required attribute
 * yet (`ATTRIBUTE`), an empty capacity provider, Fargate out of capacity, the task quota.
 */
const CAPACITY_REASON =
  /^(?:RESOURCE:|AGENT$|ATTRIBUTE$|EMPTY CAPACITY PROVIDER)|capacity is unavailable|reached the limit on the number of tasks|insufficient capacity/i;

/** `MISSING`: the cluster, task definition or container instance does not exist. */
const MISSING_REASON = /^(?:MISSING|INACTIVE)$/i;

export function placementFailure(failure: Failure): TaskPlacementFailure {
  const reason = failure.reason ?? 'UNKNOWN';
  const kind = CAPACITY_REASON.test(reason) ? 'capacity' : MISSING_REASON.test(reason) ? 'missing' : 'unknown';
  return {
    reason,
    kind,
    ...(failure.detail ? { detail: failure.detail } : {}),
    ...(failure.arn ? { arn: failure.arn } : {}),
  };
}

/** Exception names (the `__type` of ECS's awsJson1_1 errors) worth retrying at once. */
const TRANSIENT_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ServerException',
  'ServiceUnavailableException',
  'ServiceUnavailable',
  'InternalFailure',
  'InternalServerError',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);

interface SdkFault {
  readonly name?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly $retryable?: unknown;
}

/** What an exception from RunTask means for the launch. */
export type RunTaskFault = 'transient' | 'capacity' | 'rejected';

/**
 * Throttling, 5xx and network faults are transient (retried with backoff, outcome unknown if
 * they persist). Fargate reports missing capacity as a ClientException: that is capacity.
 * Anything else (ClusterNotFoundException, InvalidParameterException, AccessDeniedException,
 * ConflictException, …) is a refusal that a retry would only repeat.
 */
export function classifyRunTaskFault(error: unknown): RunTaskFault {
  const fault = (typeof error === 'object' && error !== null ? error : {}) as SdkFault;
  if (CAPACITY_REASON.test(fault.message ?? '')) return 'capacity';
  if (fault.name !== undefined && TRANSIENT_NAMES.has(fault.name)) return 'transient';
  if (fault.$retryable) return 'transient';
  const status = fault.$metadata?.httpStatusCode;
  if (status === undefined) return 'transient'; // never reached ECS: connection refused, reset, DNS
  if (status === 429 || status >= 500) return 'transient';
  return 'rejected';
}
