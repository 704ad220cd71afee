import type { ResultAsync } from 'neverthrow';
import type { Clock } from '../../../application/ports/Clock.js';
import type { DispatchChanged, DispatchExists, DispatchNotFound, Dispatches } from '../../../application/ports/Dispatches.js';
import type { Dispatch } from '../../../domain/dispatch/Dispatch.js';
import { History } from './History.js';

/** Any `Dispatches` store, with each dispatch's launch story kept beside it. */
export class RecordingDispatches implements Dispatches {
  readonly history = new History();

  constructor(
    private readonly inner: Dispatches,
    private readonly clock: Clock,
  ) {}

  create(dispatch: Dispatch): ResultAsync<void, DispatchExists> {
    return this.inner
      .create(dispatch)
      .map(() => this.add(dispatch.job.jobId, 'status', dispatch.job.status, `received; attempt ${dispatch.launch.attempt} leased`))
      .mapErr((error) => {
        this.add(dispatch.job.jobId, 'refused', error.current.job.status, 'repeated delivery: the dispatch exists');
        return error;
      });
  }

  replace(previous: Dispatch, next: Dispatch): ResultAsync<void, DispatchChanged | DispatchNotFound> {
    return this.inner
      .replace(previous, next)
      .map(() => this.add(next.job.jobId, next.job.status === previous.job.status ? 'lease' : 'status', next.job.status, describe(next)))
      .mapErr((error) => {
        if (error.type === 'DispatchChanged') this.add(next.job.jobId, 'refused', error.current.job.status, 'write lost to another delivery');
        return error;
      });
  }

  find(jobId: string): Promise<Dispatch | undefined> {
    return this.inner.find(jobId);
  }

  private add(jobId: string, kind: 'status' | 'lease' | 'refused', status: string, note: string): void {
    this.history.add(jobId, { at: this.clock.now().toISOString(), kind, status, note });
  }
}

function describe(d: Dispatch): string {
  const { launch } = d;
  if (launch.taskArn) return `attempt ${launch.attempt}: task ${launch.taskArn.split('/').pop()} started`;
  if (launch.lastFailure) return `attempt ${launch.attempt}: ${launch.lastFailure.code} (${launch.lastFailure.reasons.join(', ')})`;
  return `attempt ${launch.attempt}${launch.leaseUntil ? ` leased until ${launch.leaseUntil}` : ''}`;
}
