import { callbackRoutes } from './callbackRoutes.js';
import type { DevContext, DevRoutes } from './DevContext.js';
import { dispatchRoutes } from './dispatchRoutes.js';
import { jobRoutes } from './jobRoutes.js';

/** Every route group the dev server serves, in-memory. */
export function devServerGroups(): ((ctx: DevContext) => DevRoutes | Promise<DevRoutes>)[] {
  return [(ctx) => callbackRoutes(ctx), (ctx) => jobRoutes(ctx), (ctx) => dispatchRoutes(ctx)];
}
