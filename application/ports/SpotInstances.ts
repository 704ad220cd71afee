import type { ResultAsync } from 'neverthrow';
import type { Tag } from '../../domain/launch/RenderLaunch.js';

/** One one-time Spot instance in one pool (instance type × subnet). */
export interface SpotLaunchRequest {
  readonly amiId: string;
  readonly instanceType: string;
  readonly subnetId: string;
  readonly securityGroupIds: readonly string[];
  /** An instance profile ARN or name. */
  readonly iamInstanceProfile: string;
  /** The first-boot script, plain text. */
  readonly userData: string;
  readonly tags: readonly Tag[];
  /** Makes the provider's own retries of this one request launch at most one instance. */
  readonly clientToken: string;
}

export interface LaunchedInstance {
  readonly instanceId: string;
  readonly instanceType: string;
  readonly spotRequestId: string;
}

/** This pool has no Spot capacity now (see domain/launch/SpotCapacity.ts for the codes). Another may. */
export interface SpotCapacityUnavailable {
  readonly type: 'SpotCapacityUnavailable';
  readonly code: string;
  readonly message: string;
  readonly cause?: unknown;
}

/**
 * Launches Spot instances. A capacity refusal is a value; any other refusal (bad AMI, missing
 * permission, throttling past the SDK's retries) rejects, as every unknown fault does.
 */
export interface SpotInstances {
  launch(request: SpotLaunchRequest): ResultAsync<LaunchedInstance, SpotCapacityUnavailable>;

  /**
   * The live (pending or running) instance an earlier launch started with one of these client
   * tokens, if any: how a repeated launch finds the instance whose answer was lost, whichever
   * pool it landed in.
   */
  findLaunched(clientTokens: readonly string[]): Promise<LaunchedInstance | undefined>;
}
