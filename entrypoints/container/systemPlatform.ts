import { CryptoIds } from '../../adapters/system/CryptoIds.js';
import { SystemClock } from '../../adapters/system/SystemClock.js';
import type { LambdaPlatform } from '../runtime/lambdaPlatform.js';
import { platformModule } from './platformModule.js';

/** The platform ports of a real Lambda: system clock, CSPRNG ids, Powertools log and metrics. */
export function systemPlatformModule(platform: LambdaPlatform) {
  return platformModule({ clock: new SystemClock(), ids: new CryptoIds(), log: platform.log, metrics: platform.metrics });
}
