import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  callBudgetMs,
  callSignal,
  deadlineFor,
  DeadlineExceeded,
  isDeadlineExceeded,
  pastSoftDeadline,
  withDeadline,
} from '../../adapters/shared/deadline.js';
import { retryTransient } from '../../adapters/shared/retryTransient.js';
import { awsRequestHandler } from '../../entrypoints/aws/awsRequestHandler.js';
import { startHungServer } from '../support/hungServer.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('deadlineFor', () => {
  it('keeps up to 1 s to answer and a sixth of the budget (1 to 5 s) for clean-up', () => {
    expect(deadlineFor(30_000, 0)).toEqual({ softAt: 24_000, hardAt: 29_000 });
    expect(deadlineFor(4_000, 0)).toEqual({ softAt: 2_334, hardAt: 3_334 });
    expect(deadlineFor(900_000, 0)).toEqual({ softAt: 894_000, hardAt: 899_000 });
  });

  it('caps the budget at what the caller waits (API Gateway: 29 s)', () => {
    expect(deadlineFor(60_000, 0, 29_000)).toEqual({ softAt: 23_167, hardAt: 28_000 });
  });

  it('never puts a deadline in the past', () => {
    const d = deadlineFor(0, 1_000);
    expect(d.softAt).toBeGreaterThanOrEqual(1_000);
    expect(d.hardAt).toBeGreaterThanOrEqual(1_000);
  });
});

describe('call budgets', () => {
  it('gives a call started before the soft deadline until it, and one started after until the hard one', async () => {
    await withDeadline({ softAt: 1_000, hardAt: 3_000 }, async () => {
      expect(callBudgetMs(400)).toBe(600);
      expect(callBudgetMs(1_500)).toBe(1_500);
      expect(callBudgetMs(3_500)).toBe(0);
    });
  });

  it('has no budget and no signal outside a deadline', () => {
    expect(callBudgetMs()).toBeUndefined();
    expect(callSignal().signal).toBeUndefined();
    expect(pastSoftDeadline()).toBe(false);
  });

  it('aborts a call with DeadlineExceeded when its budget runs out', async () => {
    vi.useFakeTimers({ now: 0 });
    await withDeadline({ softAt: 1_000, hardAt: 2_000 }, async () => {
      const call = callSignal();
      vi.advanceTimersByTime(999);
      expect(call.signal?.aborted).toBe(false);
      vi.advanceTimersByTime(1);
      expect(call.signal?.reason).toBeInstanceOf(DeadlineExceeded);
    });
  });

  it('recognises a deadline cut wrapped the way the SDK wraps it', () => {
    const sdkAbort = Object.assign(new Error('Request aborted'), { name: 'AbortError', cause: new DeadlineExceeded('late') });
    expect(isDeadlineExceeded(sdkAbort)).toBe(true);
    expect(isDeadlineExceeded(Object.assign(new Error('Request aborted'), { name: 'AbortError' }))).toBe(false);
  });

  it('stops adapter retries once the soft deadline has passed', async () => {
    let calls = 0;
    const failing = () => {
      calls += 1;
      return Promise.reject(new Error('throttled'));
    };
    const now = Date.now();

    await withDeadline({ softAt: now - 1, hardAt: now + 60_000 }, () =>
      retryTransient(failing, () => true, { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 1 }).catch(() => undefined),
    );

    expect(calls).toBe(1);
  });
});

describe('awsRequestHandler', () => {
  it('ends a request that gets no answer with a TimeoutError, even without a deadline', async () => {
    const hung = await startHungServer();
    const sqs = new SQSClient({
      requestHandler: awsRequestHandler({ requestTimeoutMs: 200 }),
      endpoint: hung.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
      maxAttempts: 1,
    });
    try {
      await expect(sqs.send(new SendMessageCommand({ QueueUrl: `${hung.endpoint}/1/q`, MessageBody: '{}' }))).rejects.toMatchObject({
        name: 'TimeoutError',
      });
    } finally {
      await hung.close();
    }
  });

  it('cuts a request at the deadline with an AbortError carrying DeadlineExceeded', async () => {
    const hung = await startHungServer();
    const sqs = new SQSClient({
      requestHandler: awsRequestHandler({ requestTimeoutMs: 60_000 }),
      endpoint: hung.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    });
    const now = Date.now();
    try {
      const sent = withDeadline({ softAt: now + 200, hardAt: now + 400 }, () =>
        sqs.send(new SendMessageCommand({ QueueUrl: `${hung.endpoint}/1/q`, MessageBody: '{}' })),
      );
      const fault = await sent.catch((e: unknown) => e);
      expect(isDeadlineExceeded(fault)).toBe(true);
      expect(hung.requests()).toBe(1);
    } finally {
      await hung.close();
    }
  });
});
