import { ok, safeTry, type ResultAsync } from 'neverthrow';
import { newDispatch } from '../../domain/dispatch/Dispatch.js';
import type { Ports } from '../ports/Ports.js';
import { launchAnswer, type DispatchToEcsAnswer, type DispatchToEcsError } from './dispatchAnswer.js';
import { readDispatchRequest, type DispatchToEcsInput } from './dispatchRequest.js';
import type { DispatchSettings } from './DispatchSettings.js';
import { dispatchTarget } from './dispatchTarget.js';
import { recordLaunch } from './recordLaunch.js';
import { runTask } from './runTask.js';
import { takeLaunch } from './takeLaunch.js';

/** What DispatchToEcs is given: see {@link Ports} for the one name of each port. */
export type DispatchToEcsDeps = Pick<Ports, 'dispatches' | 'containerTasks' | 'clock' | 'log' | 'metrics'>;

/**
 * Records a job and launches it as an ECS task, at most once per job id however often it is
 * delivered: read the request, choose where it runs, take the launch (the first delivery
 * creates the dispatch holding a launch lease; a repeat learns it in the same round trip and
 * either answers from it or takes over an attempt that started nothing or died), run the task
 * under the attempt's ECS token, record the task that started. Each step is its own module in
 * `application/dispatch/`.
 *
 * @example
 * const r = await dispatchToEcs.execute({ request: { url: 'https://example.com/stream' }, defaultJobId: ids.uuid() });
 * if (r.isOk()) console.log(r.value.dispatch.launch.taskArn);
 */
export class DispatchToEcs {
  constructor(private readonly deps: DispatchToEcsDeps, private readonly settings: DispatchSettings) {}

  execute(input: DispatchToEcsInput): ResultAsync<DispatchToEcsAnswer, DispatchToEcsError> {
    const { deps, settings } = this;
    const { clock, metrics } = deps;
    return safeTry(async function* () {
      const request = yield* readDispatchRequest(input).mapErr((invalid) => {
        metrics.count('DispatchInvalidInput');
        return invalid;
      });
      const log = deps.log.with({ job_id: request.jobId });
      const target = yield* dispatchTarget(request.source, request.jobId, settings).mapErr((refused) => {
        log.warn('Torrent source refused: TRANSMISSION_TASK_DEF is not set', { source_kind: refused.source.kind });
        metrics.count('DispatchRefused');
        return refused;
      });
      const fresh = newDispatch({ ...request, target, ttlDays: settings.ttlDays, leaseSeconds: settings.leaseSeconds, now: clock.now() });
      const turn = yield* takeLaunch(deps, fresh, settings.leaseSeconds, log);
      if (turn.type === 'AlreadyLaunched') return ok(turn);
      const task = yield* runTask(deps, turn.dispatch, log);
      const stored = await recordLaunch(deps, turn.dispatch, task.taskArn, log);
      return launchAnswer(stored, task.taskArn);
    });
  }
}
