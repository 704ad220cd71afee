import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import type { LaunchedInstance, SpotCapacityUnavailable, SpotInstances, SpotLaunchRequest } from '../../application/ports/SpotInstances.js';
import type { World } from '../World.js';

const CAPACITY_CODES = ['InsufficientInstanceCapacity', 'SpotMaxPriceTooLow', 'InsufficientInstanceCapacity', 'MaxSpotInstanceCountExceeded'];

/**
 * EC2 Spot, simulated: each launch attempt is refused for capacity with the fault rate's
 * probability (a typed capacity code, as EC2 answers), a repeated client token returns the
 * first instance (as EC2's idempotency does), and every new instance is announced so the
 * scenario can boot a worker on it. Keyed by client token: constant time at any scale.
 */
export class SimSpotInstances implements SpotInstances {
  private readonly byClientToken = new Map<string, LaunchedInstance>();
  private launched = 0;
  readonly stats = { attempts: 0, capacityRefusals: 0, launched: 0, faults: 0, lostAnswers: 0 };

  constructor(
    private readonly world: World,
    private readonly onLaunch: (request: SpotLaunchRequest, instance: LaunchedInstance) => void,
  ) {}

  async findLaunched(clientTokens: readonly string[]): Promise<LaunchedInstance | undefined> {
    return clientTokens.map((token) => this.byClientToken.get(token)).find((i) => i !== undefined);
  }

  launch(request: SpotLaunchRequest): ResultAsync<LaunchedInstance, SpotCapacityUnavailable> {
    this.stats.attempts += 1;
    const repeat = this.byClientToken.get(request.clientToken);
    if (repeat) return okAsync(repeat);
    const { prng, faults } = this.world;
    if (prng.chance(faults.capacity)) {
      this.stats.capacityRefusals += 1;
      const code = prng.pick(CAPACITY_CODES);
      return errAsync({ type: 'SpotCapacityUnavailable', code, message: `${code}: no Spot capacity for ${request.instanceType} in ${request.subnetId}` });
    }
    if (prng.chance(faults.providerDown / 4)) {
      this.stats.faults += 1;
      if (prng.chance(0.5)) {
        // The instance started; its answer never came back (a timeout, the deadline).
        this.stats.lostAnswers += 1;
        this.start(request);
        return new ResultAsync(Promise.reject(new Error('TimeoutError: RunInstances answer lost (simulated)')));
      }
      return new ResultAsync(Promise.reject(new Error('RequestLimitExceeded: Request limit exceeded (after SDK retries)')));
    }
    return okAsync(this.start(request));
  }

  private start(request: SpotLaunchRequest): LaunchedInstance {
    this.launched += 1;
    const instance: LaunchedInstance = {
      instanceId: `i-${this.launched.toString(16).padStart(17, '0')}`,
      instanceType: request.instanceType,
      spotRequestId: `sir-${this.launched.toString(36).padStart(8, '0')}`,
    };
    this.byClientToken.set(request.clientToken, instance);
    this.stats.launched += 1;
    this.onLaunch(request, instance);
    return instance;
  }
}
