import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { World } from '../World.js';

interface Message {
  readonly messageId: string;
  readonly body: string;
  readonly sentAtMs: number;
  receiveCount: number;
  receipt: string | undefined;
  deleted: boolean;
}

export interface SimSqsOptions {
  readonly name: string;
  readonly visibilityTimeoutSeconds: number;
  /** Receives before the message moves to the dead-letter queue (the queue's redrive policy). */
  readonly maxReceiveCount: number;
  /** Records per delivery (a Lambda event source mapping's BatchSize; 1 for a plain worker). */
  readonly batchSize: number;
  /** The batching window, seconds. */
  readonly batchWindowSeconds: number;
  /**
   * Gets each delivery as an SQS event; resolves with the message ids to delete now (a Lambda
   * event source mapping deletes all but `batchItemFailures`), or nothing when the consumer
   * deletes later with `delete(receiptHandle)`.
   */
  readonly consumer: (event: SQSEvent) => Promise<readonly string[] | void>;
  /**
   * A FIFO queue: the message group of a body (e.g. its job id). Deduplication drops the
   * at-least-once copies, and records carry `MessageGroupId`, so consumers keep group order.
   */
  readonly fifoGroup?: (body: string) => string;
}

/**
 * An SQS standard queue on virtual time: at-least-once delivery (a message is sometimes
 * delivered twice, per the `redelivery` fault rate), a visibility timeout after which an
 * undeleted message comes back, and a dead-letter queue after `maxReceiveCount` receives.
 * Deliveries are pushed to the consumer as a Lambda event source mapping would.
 */
export class SimSqs {
  /** In-flight deliveries by receipt handle. */
  private readonly inFlight = new Map<string, Message>();
  private live = 0;
  private readonly ready: Message[] = [];
  private flushing = false;
  private sent = 0;
  private receipts = 0;
  readonly deadLetters: string[] = [];
  readonly stats = { sent: 0, deliveries: 0, redeliveries: 0, duplicates: 0, deleted: 0, deadLettered: 0 };

  constructor(
    private readonly world: World,
    private readonly options: SimSqsOptions,
  ) {}

  send(body: string): string {
    this.sent += 1;
    this.stats.sent += 1;
    const messageId = `${this.options.name}-${this.sent}`;
    const message: Message = { messageId, body, sentAtMs: this.world.scheduler.nowMs(), receiveCount: 0, receipt: undefined, deleted: false };
    this.live += 1;
    this.makeVisible(message);
    if (!this.options.fifoGroup && this.world.prng.chance(this.world.faults.redelivery)) {
      // At-least-once: another copy of the same message shows up, whatever happens to the first.
      this.stats.duplicates += 1;
      const copy: Message = { ...message, messageId, receiveCount: 0, receipt: undefined, deleted: false };
      this.live += 1;
      this.world.scheduler.after(this.world.prng.between(0.1, 60), () => this.makeVisible(copy));
    }
    return messageId;
  }

  /** Deletes a received message; a stale receipt (the message was received again since) deletes nothing, as in SQS. */
  delete(receiptHandle: string): void {
    const message = this.inFlight.get(receiptHandle);
    this.inFlight.delete(receiptHandle);
    if (!message || message.receipt !== receiptHandle || message.deleted) return;
    message.deleted = true;
    this.live -= 1;
    this.stats.deleted += 1;
  }

  /** Messages neither deleted nor dead-lettered. */
  get outstanding(): number {
    return this.live;
  }

  private makeVisible(message: Message): void {
    if (message.deleted) return;
    this.ready.push(message);
    if (this.flushing) return;
    this.flushing = true;
    this.world.scheduler.after(this.options.batchWindowSeconds, () => this.flush());
  }

  private async flush(): Promise<void> {
    this.flushing = false;
    const batches: Message[][] = [];
    while (this.ready.length > 0) batches.push(this.ready.splice(0, this.options.batchSize));
    for (const batch of batches) await this.deliver(batch.filter((m) => !m.deleted));
  }

  private async deliver(batch: Message[]): Promise<void> {
    if (batch.length === 0) return;
    const records: SQSRecord[] = [];
    for (const m of batch) {
      m.receiveCount += 1;
      if (m.receiveCount > 1) this.stats.redeliveries += 1;
      this.receipts += 1;
      m.receipt = `${m.messageId}#${this.receipts}`;
      const receipt = m.receipt;
      this.inFlight.set(receipt, m);
      records.push(record(m, this.options.name, this.options.fifoGroup?.(m.body)));
      this.world.scheduler.after(this.options.visibilityTimeoutSeconds, () => this.expire(m, receipt));
    }
    this.stats.deliveries += 1;
    let toDelete: readonly string[] | void;
    try {
      toDelete = await this.options.consumer({ Records: records });
    } catch {
      toDelete = []; // The function failed: the whole batch comes back after the visibility timeout.
    }
    const ids = new Set(toDelete ?? []);
    for (const m of batch) if (ids.has(m.messageId) && m.receipt) this.delete(m.receipt);
  }

  private expire(message: Message, receipt: string): void {
    this.inFlight.delete(receipt);
    if (message.deleted || message.receipt !== receipt) return;
    if (message.receiveCount >= this.options.maxReceiveCount) {
      this.stats.deadLettered += 1;
      this.deadLetters.push(message.body);
      message.deleted = true;
      this.live -= 1;
      return;
    }
    this.makeVisible(message);
  }
}

function record(m: Message, queue: string, group: string | undefined): SQSRecord {
  const fifo = group === undefined ? {} : { MessageGroupId: group, MessageDeduplicationId: m.messageId, SequenceNumber: m.messageId.split('-').pop()! };
  return {
    messageId: m.messageId,
    receiptHandle: m.receipt!,
    body: m.body,
    attributes: {
      ApproximateReceiveCount: String(m.receiveCount),
      SentTimestamp: String(m.sentAtMs),
      SenderId: 'AIDASIMULATION',
      ApproximateFirstReceiveTimestamp: String(m.sentAtMs),
      ...fifo,
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${queue}${group === undefined ? '' : '.fifo'}`,
    awsRegion: 'us-east-1',
  };
}
