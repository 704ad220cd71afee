import type { CallbackMappings } from '../../application/ports/CallbackMappings.js';
import type { Jobs } from '../../application/ports/Jobs.js';
import { callbackRoutes } from './callbackRoutes.js';
import type { DevContext, DevRoutes } from './DevContext.js';
import { dispatchRoutes } from './dispatchRoutes.js';
import { jobRoutes } from './jobRoutes.js';
import { quotaRoutes } from './quotaRoutes.js';

/** Stores to serve from instead of memory (the `--dynamodb` backend). */
export interface DevStores {
  readonly mappings?: CallbackMappings;
  readonly jobs?: Jobs;
}

/** Every route group the dev server serves; in memory unless stores are given. */
export function devServerGroups(stores: DevStores = {}): ((ctx: DevContext) => DevRoutes | Promise<DevRoutes>)[] {
  return [
    (ctx) => callbackRoutes(ctx, stores.mappings ? { mappings: stores.mappings } : {}),
    (ctx) => jobRoutes(ctx, stores.jobs ? { jobs: stores.jobs } : {}),
    (ctx) => dispatchRoutes(ctx),
    (ctx) => quotaRoutes(ctx),
  ];
}
