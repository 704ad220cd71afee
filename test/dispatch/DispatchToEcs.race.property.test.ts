import fc from 'fast-check';
import { err, ResultAsync } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { InMemoryContainerTasks } from '../../adapters/memory/InMemoryContainerTasks.js';
import { InMemoryDispatches } from '../../adapters/memory/InMemoryDispatches.js';
import { InMemoryMetrics } from '../../adapters/memory/InMemoryMetrics.js';
import { ManualClock } from '../../adapters/memory/ManualClock.js';
import { RecordingLog } from '../../adapters/memory/RecordingLog.js';
import { DispatchToEcs } from '../../application/dispatch/DispatchToEcs.js';
import type { ContainerTasks, StartedTask, TaskLaunch, TaskLaunchError } from '../../application/ports/ContainerTasks.js';
import type { Dispatches } from '../../application/ports/Dispatches.js';
import type { Dispatch } from '../../domain/dispatch/Dispatch.js';
import { STREAM_URL, T0 } from './builders.js';

/**
 * What ECS and the Lambda do on one launch call. `startedButLost`: ECS started the task but the
 * answer never arrived (timeout). `crashAfterStart`: the task started and the function died
 * before recording it.
 */
type Launch = 'ok' | 'capacity' | 'startedButLost' | 'crashAfterStart' | 'slowOk' | 'slowCapacity';

/** Every store call waits for the scheduler, so fast-check explores the interleavings. */
class ScheduledDispatches implements Dispatches {
  constructor(
    private readonly inner: InMemoryDispatches,
    private readonly s: fc.Scheduler,
  ) {}
  create(d: Dispatch) {
    return new ResultAsync(this.s.schedule(Promise.resolve('create')).then(() => this.inner.create(d)));
  }
  replace(previous: Dispatch, next: Dispatch) {
    return new ResultAsync(this.s.schedule(Promise.resolve('replace')).then(() => this.inner.replace(previous, next)));
  }
  find(jobId: string) {
    return this.inner.find(jobId);
  }
}

class ScriptedTasks implements ContainerTasks {
  private n = 0;
  quiet = false;
  /** Whether ECS was asked in a way that starts a task (every step but a refused placement). */
  asked = false;
  constructor(
    private readonly inner: InMemoryContainerTasks,
    private readonly s: fc.Scheduler,
    private readonly plan: readonly Launch[],
    /** `slow*` calls outlive the launch lease: the clock moves past it before they answer. */
    private readonly outliveLease: () => void = () => {},
  ) {}
  stop(taskArn: string, reason: string) {
    return this.inner.stop(taskArn, reason);
  }
  launch(request: TaskLaunch): ResultAsync<StartedTask, TaskLaunchError> {
    const step = this.quiet ? 'ok' : (this.plan[this.n++] ?? 'ok');
    const run = async () => {
      if (step !== 'capacity' && step !== 'slowCapacity') this.asked = true;
      if (step === 'slowOk' || step === 'slowCapacity') {
        // The call is in flight past the lease: another delivery may claim and launch meanwhile.
        this.outliveLease();
        await this.s.schedule(Promise.resolve(`in flight:${step}`));
      }
      switch (step) {
        case 'ok':
        case 'slowOk':
          return this.inner.launch(request);
        case 'capacity':
        case 'slowCapacity':
          // ECS answers a known client token with its task before placing anything.
          if (this.inner.tasks().some((t) => t.request.idempotencyKey === request.idempotencyKey)) {
            return this.inner.launch(request);
          }
          return err<StartedTask, TaskLaunchError>({ type: 'CapacityUnavailable', failures: [{ reason: 'RESOURCE:CPU', kind: 'capacity' }] });
        case 'startedButLost':
          (await this.inner.launch(request))._unsafeUnwrap();
          return err<StartedTask, TaskLaunchError>({ type: 'ContainerTasksUnavailable', cause: new Error('timeout') });
        case 'crashAfterStart':
          (await this.inner.launch(request))._unsafeUnwrap();
          throw new Error('Lambda timed out');
      }
    };
    return new ResultAsync(this.s.schedule(Promise.resolve(`launch:${step}`)).then(run));
  }
}

describe('DispatchToEcs under concurrent deliveries, lost answers and crashes (fc.scheduler)', () => {
  it('starts at most one task per job, and a later delivery always ends with that one task recorded', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.integer({ min: 2, max: 5 }),
        fc.array(fc.constantFrom<Launch>('ok', 'capacity', 'startedButLost', 'crashAfterStart'), { maxLength: 6 }),
        async (s, deliveries, plan) => {
          const store = new InMemoryDispatches();
          const ecs = new InMemoryContainerTasks();
          const tasks = new ScriptedTasks(ecs, s, plan);
          const clock = new ManualClock(T0);
          const useCase = new DispatchToEcs(
            {
              dispatches: new ScheduledDispatches(store, s),
              containerTasks: tasks,
              clock,
              log: new RecordingLog(),
              metrics: new InMemoryMetrics(),
            },
            { taskDefinition: 'recorder:3', containerName: 'recorder', bucket: 'b', ttlDays: 7, leaseSeconds: 120 },
          );
          const deliver = () =>
            Promise.resolve(useCase.execute({ request: { url: STREAM_URL }, defaultJobId: 'job-1' })).then(
              (r) => r,
              () => undefined, // a crashed invocation: SQS will deliver again
            );

          // eslint-disable-next-line baton/no-ignored-result -- each delivery may win, lose or crash by schedule; the outcome is asserted on ECS and the record below
          await s.waitFor(Promise.all(Array.from({ length: deliveries }, deliver)));
          // One task as soon as any launch got through to ECS, whatever the retries: never two.
          expect(ecs.tasks()).toHaveLength(tasks.asked ? 1 : 0);

          tasks.quiet = true;
          clock.advanceSeconds(121);
          const answer = await s.waitFor(deliver());

          expect(ecs.tasks()).toHaveLength(1);
          expect(answer?.isOk()).toBe(true);
          const stored = (await store.find('job-1'))!;
          expect(stored.job.status).toBe('processing');
          expect(stored.launch.taskArn).toBe(ecs.tasks()[0]!.taskArn);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('leaves exactly one live task per job, named by the record, when launches outlive their lease (same second, one key)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.integer({ min: 2, max: 4 }),
        fc.array(fc.constantFrom<Launch>('ok', 'capacity', 'startedButLost', 'slowOk', 'slowCapacity'), { minLength: 1, maxLength: 6 }),
        async (s, deliveries, plan) => {
          const store = new InMemoryDispatches();
          const ecs = new InMemoryContainerTasks();
          const clock = new ManualClock(T0);
          const tasks = new ScriptedTasks(ecs, s, plan, () => clock.advanceSeconds(121));
          const useCase = new DispatchToEcs(
            {
              dispatches: new ScheduledDispatches(store, s),
              containerTasks: tasks,
              clock,
              log: new RecordingLog(),
              metrics: new InMemoryMetrics(),
            },
            { taskDefinition: 'recorder:3', containerName: 'recorder', bucket: 'b', ttlDays: 7, leaseSeconds: 120 },
          );
          const deliver = () =>
            Promise.resolve(useCase.execute({ request: { url: STREAM_URL }, defaultJobId: 'job-1' })).then(
              (r) => r,
              () => undefined,
            );

          // eslint-disable-next-line baton/no-ignored-result -- each delivery may win, lose or crash by schedule; the outcome is asserted on ECS and the record below
          await s.waitFor(Promise.all(Array.from({ length: deliveries }, deliver)));
          tasks.quiet = true;
          clock.advanceSeconds(121);
          expect((await s.waitFor(deliver()))?.isOk()).toBe(true);

          const live = ecs.tasks().filter((t) => !ecs.stopped.has(t.taskArn));
          const stored = (await store.find('job-1'))!;
          expect(live).toHaveLength(1);
          expect(stored.job.status).toBe('processing');
          expect(stored.launch.taskArn).toBe(live[0]!.taskArn);
        },
      ),
      { numRuns: 300 },
    );
  });
});
