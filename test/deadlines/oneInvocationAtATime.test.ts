import { describe, expect, it } from 'vitest';
import { callBudgetMs, currentDeadline, oneInvocationAtATime, withDeadline } from '../../adapters/shared/deadline.js';

// A Lambda function's process (AWS_LAMBDA_MAX_CONCURRENCY unset): the deadline is a variable.
// This file's module instance only: vitest evaluates modules afresh for each test file.
oneInvocationAtATime();

describe('deadlines, one invocation at a time', () => {
  it('applies the deadline to calls made inside the invocation, across awaits', async () => {
    await withDeadline({ softAt: 1_000, hardAt: 3_000 }, async () => {
      await Promise.resolve();
      await new Promise((resolve) => setImmediate(resolve));
      expect(callBudgetMs(400)).toBe(600);
      expect(callBudgetMs(1_500)).toBe(1_500);
    });
  });

  it('clears it when the invocation ends, whether it answered or threw', async () => {
    await withDeadline({ softAt: 1_000, hardAt: 3_000 }, async () => 'answered');
    expect(currentDeadline()).toBeUndefined();
    await expect(
      withDeadline({ softAt: 1_000, hardAt: 3_000 }, async () => {
        throw new Error('fault');
      }),
    ).rejects.toThrow('fault');
    expect(currentDeadline()).toBeUndefined();
  });

  it('gives each of two invocations in turn its own deadline', async () => {
    const first = await withDeadline({ softAt: 1_000, hardAt: 3_000 }, async () => callBudgetMs(0));
    const second = await withDeadline({ softAt: 5_000, hardAt: 8_000 }, async () => callBudgetMs(0));
    expect([first, second]).toEqual([1_000, 5_000]);
  });
});
