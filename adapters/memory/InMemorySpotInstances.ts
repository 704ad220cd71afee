import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import type {
  LaunchedInstance,
  SpotCapacityUnavailable,
  SpotInstances,
  SpotLaunchRequest,
} from '../../application/ports/SpotInstances.js';

export interface SpotInstance {
  readonly request: SpotLaunchRequest;
  readonly instance: LaunchedInstance;
}

interface Refusal {
  readonly instanceType?: string;
  readonly subnetId?: string;
  readonly code: string;
}

/**
 * Spot capacity in memory: launches succeed unless a pool was told to refuse. Repeats of a
 * client token return the first instance, as EC2 does. `onLaunch` lets a simulation boot a
 * worker on each new instance.
 */
export class InMemorySpotInstances implements SpotInstances {
  readonly instances: SpotInstance[] = [];
  /** Every launch call, refused or not, in order: `c5.2xlarge@subnet-a`. */
  readonly attempts: string[] = [];
  /** Pools told to refuse; clear it to give them capacity again. */
  readonly refusals: Refusal[] = [];
  private readonly byClientToken = new Map<string, SpotInstance>();
  private fault: Error | undefined;
  private readonly listeners: ((launched: SpotInstance) => void)[] = [];

  /** Pools matching (an omitted field matches any) answer with capacity error `code`. */
  refuse(pool: { instanceType?: string; subnetId?: string }, code = 'InsufficientInstanceCapacity'): this {
    this.refusals.push({ ...pool, code });
    return this;
  }

  /** The next launch rejects with `error`, like an unknown EC2 fault. */
  failNextWith(error: Error): this {
    this.fault = error;
    return this;
  }

  onLaunch(listener: (launched: SpotInstance) => void): this {
    this.listeners.push(listener);
    return this;
  }

  async findLaunched(clientTokens: readonly string[]): Promise<LaunchedInstance | undefined> {
    return clientTokens.map((token) => this.byClientToken.get(token)).find((i) => i !== undefined)?.instance;
  }

  launch(request: SpotLaunchRequest): ResultAsync<LaunchedInstance, SpotCapacityUnavailable> {
    this.attempts.push(`${request.instanceType}@${request.subnetId}`);
    if (this.fault) {
      const fault = this.fault;
      this.fault = undefined;
      return new ResultAsync(Promise.reject(fault));
    }
    // EC2 answers a repeated client token with the instance it launched, whatever the pool's
    // capacity is now.
    const repeat = this.byClientToken.get(request.clientToken);
    if (repeat) return okAsync(repeat.instance);
    const refusal = this.refusals.find(
      (r) => (r.instanceType ?? request.instanceType) === request.instanceType && (r.subnetId ?? request.subnetId) === request.subnetId,
    );
    if (refusal) {
      return errAsync({ type: 'SpotCapacityUnavailable', code: refusal.code, message: `${refusal.code} (in memory)` });
    }
    const n = this.instances.length + 1;
    const launched: SpotInstance = {
      request,
      instance: {
        instanceId: `i-${n.toString(16).padStart(17, '0')}`,
        instanceType: request.instanceType,
        spotRequestId: `sir-${n.toString(36).padStart(8, '0')}`,
      },
    };
    this.instances.push(launched);
    this.byClientToken.set(request.clientToken, launched);
    for (const listener of this.listeners) listener(launched);
    return okAsync(launched.instance);
  }
}
