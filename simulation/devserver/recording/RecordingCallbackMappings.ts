import type { ResultAsync } from 'neverthrow';
import type {
  CallbackMappings,
  CallbackNotFound,
  CallbackNotInStatus,
  CallbackTokenTaken,
  PageCursor,
  TokenPage,
} from '../../../application/ports/CallbackMappings.js';
import type { Clock } from '../../../application/ports/Clock.js';
import type { CallbackChannel, CallbackMapping } from '../../../domain/callbacks/CallbackMapping.js';
import type { CallbackOutcome } from '../../../domain/callbacks/CallbackOutcome.js';
import { History } from './History.js';

/**
 * Any `CallbackMappings` (in memory or DynamoDB), with the story of each mapping kept beside it:
 * PENDING, the claim, duplicates refused, the redrive's leases and who finished it. Changes
 * nothing it passes on.
 */
export class RecordingCallbackMappings implements CallbackMappings {
  readonly history = new History();
  /** Leases currently believed held, by token: a finish after one was the redrive's. */
  private readonly leases = new Map<string, string>();

  constructor(
    private readonly inner: CallbackMappings,
    private readonly clock: Clock,
  ) {}

  /** The lease the redrive holds on `token` now, if any (ISO time it ends). */
  leaseUntil(token: string): string | undefined {
    const until = this.leases.get(token);
    return until !== undefined && until > this.clock.now().toISOString() ? until : undefined;
  }

  create(mapping: CallbackMapping): ResultAsync<void, CallbackTokenTaken> {
    return this.inner.create(mapping).map(() => {
      this.add(mapping.callbackToken, 'status', 'PENDING', 'stored before the job is submitted');
    });
  }

  recordJobId(callbackToken: string, jobId: string): ResultAsync<void, CallbackNotFound> {
    return this.inner.recordJobId(callbackToken, jobId).map(() => {
      this.add(callbackToken, 'note', this.last(callbackToken), `RunPod job id ${jobId} recorded`);
    });
  }

  async discardPending(callbackToken: string): Promise<void> {
    await this.inner.discardPending(callbackToken);
    this.add(callbackToken, 'note', 'DISCARDED', 'deleted: the submit failed, nothing was started');
  }

  async noteUnansweredResume(callbackToken: string, at: Date): Promise<void> {
    await this.inner.noteUnansweredResume(callbackToken, at);
    this.add(callbackToken, 'note', 'ACCEPTED', 'the resume went unanswered: it may have reached Step Functions');
  }

  accept(callbackToken: string, outcome: CallbackOutcome, at: Date, channel: CallbackChannel): ResultAsync<CallbackMapping, CallbackNotFound | CallbackNotInStatus> {
    return this.inner
      .accept(callbackToken, outcome, at, channel)
      .map((mapping) => {
        this.add(callbackToken, 'status', 'ACCEPTED', `claimed by the ${channel === 'runpod' ? 'webhook' : 'worker'}: ${outcomeName(outcome)} stored`);
        return mapping;
      })
      .mapErr((error) => {
        if (error.type === 'CallbackNotInStatus') {
          this.add(callbackToken, 'refused', error.current.status, `duplicate delivery (${outcomeName(outcome)}): already ${error.current.status}, nothing resumed`);
        }
        return error;
      });
  }

  finish(mapping: CallbackMapping): ResultAsync<void, CallbackNotFound | CallbackNotInStatus> {
    const lease = this.leases.get(mapping.callbackToken);
    const byRedrive = lease !== undefined && lease > this.clock.now().toISOString();
    this.leases.delete(mapping.callbackToken);
    return this.inner
      .finish(mapping)
      .map(() => {
        const how =
          mapping.status === 'EXPIRED'
            ? `Step Functions refused the token${mapping.goneReason ? ` (${mapping.goneReason})` : ''}`
            : mapping.status === 'REFUSED'
              ? 'Step Functions refused the resume for good'
              : `Step Functions resumed ${byRedrive ? 'by the redrive' : 'inline by the delivery'}`;
        this.add(mapping.callbackToken, 'status', mapping.status, how);
      })
      .mapErr((error) => {
        if (error.type === 'CallbackNotInStatus') this.add(mapping.callbackToken, 'refused', error.current.status, `finish lost: already ${error.current.status}`);
        return error;
      });
  }

  abandon(mapping: CallbackMapping): ResultAsync<void, CallbackNotFound | CallbackNotInStatus> {
    return this.inner
      .abandon(mapping)
      .map(() => {
        this.add(mapping.callbackToken, 'status', mapping.status, `given up by the reconciler${mapping.goneReason ? `: ${mapping.goneReason}` : ''}`);
      })
      .mapErr((error) => {
        if (error.type === 'CallbackNotInStatus') this.add(mapping.callbackToken, 'refused', error.current.status, `abandon lost: already ${error.current.status}`);
        return error;
      });
  }

  find(callbackToken: string): Promise<CallbackMapping | undefined> {
    return this.inner.find(callbackToken);
  }

  acceptedBefore(acceptedBy: Date, limit: number, after?: PageCursor): Promise<TokenPage> {
    return this.inner.acceptedBefore(acceptedBy, limit, after);
  }

  pendingRunPodBefore(createdBy: Date, limit: number, after?: PageCursor): Promise<TokenPage> {
    return this.inner.pendingRunPodBefore(createdBy, limit, after);
  }

  forExecution(executionArn: string, limit: number, after?: PageCursor): Promise<TokenPage> {
    return this.inner.forExecution(executionArn, limit, after);
  }

  lease(callbackToken: string, now: Date, until: Date): ResultAsync<CallbackMapping, CallbackNotFound | CallbackNotInStatus> {
    return this.inner
      .lease(callbackToken, now, until)
      .map((mapping) => {
        this.leases.set(callbackToken, until.toISOString());
        this.add(callbackToken, 'lease', mapping.status, `leased by the redrive until ${until.toISOString()}`);
        return mapping;
      })
      .mapErr((error) => {
        this.add(callbackToken, 'refused', error.type === 'CallbackNotInStatus' ? error.current.status : this.last(callbackToken), 'lease refused: held by another run or finished');
        return error;
      });
  }

  private last(token: string): string {
    return this.history.of(token).at(-1)?.status ?? 'PENDING';
  }

  private add(token: string, kind: 'status' | 'lease' | 'refused' | 'note', status: string, note: string): void {
    this.history.add(token, { at: this.clock.now().toISOString(), kind, status, note });
  }
}

function outcomeName(outcome: CallbackOutcome): string {
  return outcome.kind === 'success' ? 'success' : `failure ${outcome.error}`;
}
