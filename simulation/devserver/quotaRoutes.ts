import { InMemoryDailyCounters } from '../../adapters/memory/InMemoryDailyCounters.js';
import { utcDay } from '../../domain/shared/time.js';
import { newContainer } from '../../entrypoints/container/newContainer.js';
import { platformModule } from '../../entrypoints/container/platformModule.js';
import { Quota, quotaPortsModule, quotaUseCasesModule } from '../../entrypoints/container/quotaModule.js';
import { checkQuotaHandler } from '../../entrypoints/handlers/checkQuota.js';
import { incrementCounterHandler } from '../../entrypoints/handlers/incrementCounter.js';
import { releaseQuotaHandler } from '../../entrypoints/handlers/releaseQuota.js';
import { reserveQuotaHandler } from '../../entrypoints/handlers/reserveQuota.js';
import { errorResponse, json, parseJsonBody } from '../../entrypoints/http/apiGateway.js';
import type { DevContext, DevRoutes } from './DevContext.js';

/** The quota operations, each a real Step Functions task handler of seed 003. */
const OPERATIONS = ['check', 'reserve', 'increment', 'release'] as const;
type Operation = (typeof OPERATIONS)[number];

const CALLS_KEPT = 20;

/**
 * Seed 003's daily quota on localhost: `POST /dev/quota/{operation}` hands `{"job_id": …}` (and
 * `date` for release) to the real `check-quota`, `reserve-quota`, `increment-counter` or
 * `release-quota` handler, as a Step Functions task would, over in-memory counters.
 */
export function quotaRoutes(ctx: DevContext, options: { readonly dailyQuota?: number } = {}): DevRoutes {
  const dailyQuota = options.dailyQuota ?? 10;
  const counters = new InMemoryDailyCounters();
  const container = newContainer();
  container.load(
    platformModule({ clock: ctx.clock, ids: ctx.ids, log: ctx.log, metrics: ctx.metrics }),
    quotaPortsModule({ counters }),
    quotaUseCasesModule({ dailyQuota }),
  );
  const handlers: Record<Operation, (event: unknown) => Promise<unknown>> = {
    check: checkQuotaHandler(container.get(Quota.CheckQuota)),
    reserve: reserveQuotaHandler(container.get(Quota.ReserveQuota)),
    increment: incrementCounterHandler(container.get(Quota.IncrementCounter)),
    release: releaseQuotaHandler(container.get(Quota.ReleaseQuota)),
  };
  const calls: { at: string; operation: Operation; input: unknown; output: unknown }[] = [];

  return {
    name: 'quota',
    routes: [
      {
        routeKey: 'POST /dev/quota/{operation}',
        handler: async (event) => {
          const operation = event.pathParameters?.operation as Operation;
          if (!OPERATIONS.includes(operation)) {
            return errorResponse(404, 'NotFound', `no quota operation "${operation}": expected ${OPERATIONS.join(', ')}`);
          }
          const parsed = event.body ? parseJsonBody(event.body) : { ok: true as const, value: {} };
          if (!parsed.ok) return errorResponse(400, 'InvalidJson', 'the body is not valid JSON');
          let output: unknown;
          try {
            output = await handlers[operation](parsed.value);
          } catch (error) {
            // A task error (InvalidInput): what Step Functions would see as the task's failure.
            const e = error as Error;
            return errorResponse(e.name === 'InvalidInput' ? 400 : 500, e.name, e.message, { details: (error as { details?: unknown }).details });
          }
          calls.unshift({ at: ctx.clock.now().toISOString(), operation, input: parsed.value, output });
          calls.length = Math.min(calls.length, CALLS_KEPT);
          return json(200, output);
        },
      },
    ],
    state: async () => {
      const tally = counters.tally(utcDay(ctx.clock.now()));
      return { date: tally.day, count: tally.count, limit: dailyQuota, job_ids: [...tally.jobIds], recent: calls };
    },
  };
}
