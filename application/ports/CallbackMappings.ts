import type { ResultAsync } from 'neverthrow';
import type { CallbackChannel, CallbackMapping } from '../../domain/callbacks/CallbackMapping.js';
import type { CallbackOutcome } from '../../domain/callbacks/CallbackOutcome.js';

export interface CallbackNotFound {
  readonly type: 'CallbackNotFound';
  readonly callbackToken: string;
}

/** The mapping exists but is not in the status the write was conditioned on. */
export interface CallbackNotInStatus {
  readonly type: 'CallbackNotInStatus';
  readonly current: CallbackMapping;
}

/** Where the next page of an index query starts; opaque to callers (the adapter's own key). */
export type PageCursor = string & { readonly __brand: 'PageCursor' };

/**
 * One page of callback tokens from a sparse index, oldest first within the page; `next` when more
 * may follow (a page may then hold fewer than the limit, even none). Across pages every token due
 * for the whole walk comes exactly once; a sharded index advances each shard in time order, so a
 * later page may hold a token older than an earlier page's.
 */
export interface TokenPage {
  readonly tokens: readonly string[];
  readonly next?: PageCursor;
}

export interface CallbackTokenTaken {
  readonly type: 'CallbackTokenTaken';
  readonly callbackToken: string;
}

/**
 * The durable store of callback mappings. Every status change is one conditional write
 * on the previous status; a write that loses returns the item as it now is, so the caller
 * decides without reading again. Unknown infrastructure faults reject (throw): a method that
 * has no other failure returns a plain `Promise`.
 */
export interface CallbackMappings {
  /** Stores a new PENDING mapping; never overwrites. */
  create(mapping: CallbackMapping): ResultAsync<void, CallbackTokenTaken>;

  /** Records the provider's job id, whatever the status (a fast webhook may already have claimed it). */
  recordJobId(callbackToken: string, jobId: string): ResultAsync<void, CallbackNotFound>;

  /** Deletes the mapping if it is still PENDING (the work was never submitted). */
  discardPending(callbackToken: string): Promise<void>;

  /**
   * The claim: PENDING → ACCEPTED storing `outcome`, in one conditional write. Returns the
   * accepted mapping (task token included). Exactly one of any number of concurrent claims wins.
   * A mapping that does not take reports through `channel` is answered as not found, so the
   * public webhook does not even confirm that a worker's token exists.
   */
  accept(
    callbackToken: string,
    outcome: CallbackOutcome,
    at: Date,
    channel: CallbackChannel,
  ): ResultAsync<CallbackMapping, CallbackNotFound | CallbackNotInStatus>;

  /**
   * ACCEPTED → `mapping.status` (COMPLETED, FAILED, EXPIRED or REFUSED), conditioned on
   * ACCEPTED; the mapping leaves the redrive index.
   */
  finish(mapping: CallbackMapping): ResultAsync<void, CallbackNotFound | CallbackNotInStatus>;

  /**
   * PENDING → ABANDONED (`mapping` as `abandon()` made it), conditioned on PENDING, so it
   * races a late report and exactly one of them wins; the mapping leaves the reconcile index.
   */
  abandon(mapping: CallbackMapping): ResultAsync<void, CallbackNotFound | CallbackNotInStatus>;

  /**
   * Notes on an ACCEPTED mapping that a resume ended with every attempt unanswered, so it may
   * have reached Step Functions (`resumeUnansweredAt`). A mapping no longer ACCEPTED, or gone,
   * is left as it is.
   */
  noteUnansweredResume(callbackToken: string, at: Date): Promise<void>;

  find(callbackToken: string): Promise<CallbackMapping | undefined>;

  /**
   * Tokens of ACCEPTED mappings accepted at or before `acceptedBy` (sparse, sharded `redrive`
   * index, no scan), at most `limit` per page, the page after `after`; see `TokenPage`.
   */
  acceptedBefore(acceptedBy: Date, limit: number, after?: PageCursor): Promise<TokenPage>;

  /**
   * Tokens of PENDING mappings of the RunPod channel created at or before `createdBy` (sparse,
   * sharded `reconcile` index: worker mappings are never in it), paged as `acceptedBefore`.
   */
  pendingRunPodBefore(createdBy: Date, limit: number, after?: PageCursor): Promise<TokenPage>;

  /** Tokens of every mapping written for `executionArn`, whatever its status, oldest first (sparse `execution` index). */
  forExecution(executionArn: string, limit: number, after?: PageCursor): Promise<TokenPage>;

  /**
   * Takes the right to resume an ACCEPTED mapping until `until`, if nobody holds it now.
   * Keeps two redrive runs from resuming the same token at once.
   */
  lease(
    callbackToken: string,
    now: Date,
    until: Date,
  ): ResultAsync<CallbackMapping, CallbackNotFound | CallbackNotInStatus>;
}
