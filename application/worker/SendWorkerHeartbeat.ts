import { err, ok, safeTry, type Result, type ResultAsync } from 'neverthrow';
import { FINAL_STATUSES, reportableThrough } from '../../domain/callbacks/CallbackMapping.js';
import type { CallbackNotFound } from '../ports/CallbackMappings.js';
import type { Ports } from '../ports/Ports.js';
import type { WorkflowGone } from './ReportWorkerOutcome.js';
import type { WorkerLink } from './WorkerLink.js';

export type HeartbeatAnswer =
  /** Step Functions reset the task's HeartbeatSeconds timer. */
  | 'Sent'
  /** Step Functions is unreachable now; the next beat will try again. */
  | 'Missed'
  /** Step Functions has been resumed (or refused the token): no need to beat any more. */
  | 'AlreadyReported';

export type SendWorkerHeartbeatError = CallbackNotFound | WorkflowGone;

/** What SendWorkerHeartbeat is given: see {@link Ports} for the one name of each port. */
export type SendWorkerHeartbeatDeps = Pick<Ports, 'taskTokens' | 'log'> & { readonly workerLink: WorkerLink };

/**
 * One SendTaskHeartbeat for the worker's task. Through the callbacks table, the task token is
 * looked up each time with the worker's own (instance role) credentials; it never sits in
 * user-data. `WorkflowGone` tells the worker the pipeline has stopped waiting: it may give up.
 *
 * @example
 * const beat = await heartbeat.execute(); // ok('Sent')
 */
export class SendWorkerHeartbeat {
  constructor(private readonly deps: SendWorkerHeartbeatDeps) {}

  execute(): ResultAsync<HeartbeatAnswer, SendWorkerHeartbeatError> {
    const link = this.deps.workerLink;
    const beat = (taskToken: string) => this.beat(taskToken);
    return safeTry(async function* () {
      if (link.kind === 'taskToken') return await beat(link.taskToken);
      const mapping = await link.mappings.find(link.callbackToken);
      // A RunPod mapping's token must not keep a task alive through the worker's path: to the
      // worker library it does not exist, as a worker's token does not on the public webhook.
      if (mapping === undefined || !reportableThrough(mapping, 'worker')) {
        return err({ type: 'CallbackNotFound' as const, callbackToken: link.callbackToken });
      }
      // Given up (the execution ended, or its task was found gone): stop working, not just beating.
      if (mapping.status === 'ABANDONED') return err({ type: 'WorkflowGone' as const, reason: mapping.goneReason ?? 'ABANDONED' });
      // ACCEPTED still beats: the outcome is stored but Step Functions not yet resumed (it was
      // unreachable), and the task must not time out before the redrive hands it over.
      if (FINAL_STATUSES.includes(mapping.status)) return ok('AlreadyReported' as const);
      return await beat(mapping.taskToken);
    });
  }

  /** One SendTaskHeartbeat. Only a gone task is an error: a beat that did not get through is missed, and the next one tries again. */
  private async beat(taskToken: string): Promise<Result<HeartbeatAnswer, WorkflowGone>> {
    const sent = await this.deps.taskTokens.heartbeat(taskToken);
    if (sent.isOk()) return ok('Sent');
    const error = sent.error;
    switch (error.type) {
      case 'TaskTokensUnavailable':
        this.deps.log.warn('Heartbeat not delivered; will try again', { error: String(error.cause) });
        return ok('Missed');
      case 'TaskTokensRefused':
        // Our permissions, not the task: the work goes on, someone must fix the role.
        this.deps.log.error('Heartbeat refused by Step Functions', { refusal: error.refusal });
        return ok('Missed');
      case 'TaskTokenGone':
        return err({ type: 'WorkflowGone', reason: error.reason });
    }
  }
}
