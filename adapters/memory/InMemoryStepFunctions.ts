import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import type { Clock } from '../../application/ports/Clock.js';
import type { TaskTokenError, TaskTokens } from '../../application/ports/TaskTokens.js';
import { MAX_OUTPUT_BYTES, utf8Length } from '../../domain/callbacks/stepFunctionsLimits.js';

export type TaskState = 'waiting' | 'succeeded' | 'failed' | 'timedOut' | 'aborted';

export interface Task {
  readonly token: string;
  readonly execution: string;
  state: TaskState;
  output?: string;
  error?: string;
  cause?: string;
  /** SendTaskSuccess/Failure calls that reached this task, accepted or not. */
  resumeCalls: number;
  deadline: number | undefined;
  heartbeatDeadline: number | undefined;
  readonly heartbeatSeconds: number | undefined;
}

/**
 * Step Functions' task-token side, in memory: issues tokens for waiting tasks and resumes each
 * at most once, refusing later calls as the real service does (`TaskTimedOut`: "Provided task
 * does not exist anymore"), timing tasks out by the clock (TimeoutSeconds, HeartbeatSeconds),
 * and, on demand, failing like an outage.
 */
export class InMemoryStepFunctions implements TaskTokens {
  private readonly tasks = new Map<string, Task>();
  private issued = 0;
  private unavailableCalls = 0;
  private down = false;
  private refusal_: string | undefined;
  /** Every SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat call, including refused ones. */
  readonly calls = { succeed: 0, fail: 0, heartbeat: 0 };

  /** `namespace` keeps tokens of several instances apart where they share a store, as real tokens are unique. */
  constructor(
    private readonly clock: Clock,
    private readonly namespace = '',
  ) {}

  /** A task starts waiting (`.waitForTaskToken`); returns its token, opaque like the real ones. */
  startTask(options: { execution?: string; timeoutSeconds?: number; heartbeatSeconds?: number } = {}): string {
    this.issued += 1;
    const token = `AQCEAAAAKgAAAA${this.namespace}${this.issued.toString(36).padStart(8, '0')}${'x'.repeat(48)}`;
    const now = this.clock.now().getTime();
    this.tasks.set(token, {
      token,
      execution: options.execution ?? `execution-${this.issued}`,
      state: 'waiting',
      resumeCalls: 0,
      deadline: options.timeoutSeconds === undefined ? undefined : now + options.timeoutSeconds * 1000,
      heartbeatDeadline: options.heartbeatSeconds === undefined ? undefined : now + options.heartbeatSeconds * 1000,
      heartbeatSeconds: options.heartbeatSeconds,
    });
    return token;
  }

  /** The next `count` calls fail as if Step Functions were unavailable. */
  failNext(count: number): void {
    this.unavailableCalls = count;
  }

  /**
   * Every call is refused for good with `refusal` (e.g. `AccessDeniedException: …`, a missing
   * IAM permission) until called with `undefined`.
   */
  refuseWith(refusal: string | undefined): void {
    this.refusal_ = refusal;
  }

  /** The execution is stopped (StopExecution, or it failed elsewhere): its waiting tasks no longer wait. */
  abortExecution(execution: string): void {
    for (const task of this.tasks.values()) {
      if (task.execution === execution && task.state === 'waiting') task.state = 'aborted';
    }
  }

  /** Every call fails as unavailable until `setAvailable(true)`. */
  setAvailable(available: boolean): void {
    this.down = !available;
  }

  task(token: string): Task | undefined {
    this.expire(token);
    return this.tasks.get(token);
  }

  allTasks(): Task[] {
    for (const token of this.tasks.keys()) this.expire(token);
    return [...this.tasks.values()];
  }

  succeed(taskToken: string, output: string): ResultAsync<void, TaskTokenError> {
    this.calls.succeed += 1;
    return this.resume(taskToken, (task) => {
      JSON.parse(output); // InvalidOutput is a programming error on our side: let it throw.
      if (utf8Length(output) > MAX_OUTPUT_BYTES) throw new Error('InvalidOutput: output exceeds 256 KiB');
      task.state = 'succeeded';
      task.output = output;
    });
  }

  fail(taskToken: string, error: string, cause: string): ResultAsync<void, TaskTokenError> {
    this.calls.fail += 1;
    return this.resume(taskToken, (task) => {
      task.state = 'failed';
      task.error = error;
      task.cause = cause;
    });
  }

  heartbeat(taskToken: string): ResultAsync<void, TaskTokenError> {
    this.calls.heartbeat += 1;
    const refused = this.refusal(taskToken);
    if (refused) return errAsync(refused);
    const task = this.tasks.get(taskToken)!;
    if (task.heartbeatSeconds !== undefined) {
      task.heartbeatDeadline = this.clock.now().getTime() + task.heartbeatSeconds * 1000;
    }
    return okAsync(undefined);
  }

  private resume(taskToken: string, apply: (task: Task) => void): ResultAsync<void, TaskTokenError> {
    const known = this.tasks.get(taskToken);
    if (known && !this.isUnavailable() && this.refusal_ === undefined) known.resumeCalls += 1;
    const refused = this.refusal(taskToken);
    if (refused) return errAsync(refused);
    apply(this.tasks.get(taskToken)!);
    return okAsync(undefined);
  }

  private isUnavailable(): boolean {
    return this.down || this.unavailableCalls > 0;
  }

  private refusal(taskToken: string): TaskTokenError | undefined {
    if (this.down) return { type: 'TaskTokensUnavailable', cause: new Error('ServiceUnavailable') };
    if (this.unavailableCalls > 0) {
      this.unavailableCalls -= 1;
      return { type: 'TaskTokensUnavailable', cause: new Error('ServiceUnavailable') };
    }
    if (this.refusal_ !== undefined) return { type: 'TaskTokensRefused', refusal: this.refusal_ };
    this.expire(taskToken);
    const task = this.tasks.get(taskToken);
    if (!task) return { type: 'TaskTokenGone', reason: 'InvalidToken' };
    if (task.state !== 'waiting') return { type: 'TaskTokenGone', reason: 'TaskTimedOut' };
    return undefined;
  }

  private expire(taskToken: string): void {
    const task = this.tasks.get(taskToken);
    if (!task || task.state !== 'waiting') return;
    const now = this.clock.now().getTime();
    const late = (deadline: number | undefined) => deadline !== undefined && now > deadline;
    if (late(task.deadline) || late(task.heartbeatDeadline)) task.state = 'timedOut';
  }
}
