import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_ERROR_MESSAGE_CHARS, parseStepFunctionsError } from '../../domain/jobs/stepFunctionsError.js';

describe('parseStepFunctionsError', () => {
  it('reads a Lambda failure cause (JSON with errorMessage, errorType, stackTrace)', () => {
    const cause = JSON.stringify({ errorMessage: 'Timeout', errorType: 'TimeoutError', stackTrace: ['at x', 'at y'] });

    expect(parseStepFunctionsError('States.TaskFailed', cause)).toEqual({
      type: 'TimeoutError',
      message: 'Timeout',
      stackTrace: ['at x', 'at y'],
    });
  });

  it('keeps the Step Functions error name when the JSON cause has no errorType', () => {
    expect(parseStepFunctionsError('States.TaskFailed', '{"errorMessage":"boom"}')).toEqual({
      type: 'States.TaskFailed',
      message: 'boom',
      stackTrace: [],
    });
  });

  it('takes a plain-text cause as the message', () => {
    expect(parseStepFunctionsError('States.Timeout', 'Task timed out after 300 seconds')).toEqual({
      type: 'States.Timeout',
      message: 'Task timed out after 300 seconds',
      stackTrace: [],
    });
  });

  it('takes a cause that only looks like JSON as text', () => {
    expect(parseStepFunctionsError('RenderError', '{not json').message).toBe('{not json');
  });

  it('falls back to the error name when there is no cause at all', () => {
    expect(parseStepFunctionsError(undefined, undefined)).toEqual({ type: 'UnknownError', message: 'UnknownError', stackTrace: [] });
  });

  it('never throws and never returns an empty or oversize message, whatever the strings', () => {
    fc.assert(
      fc.property(fc.option(fc.string()), fc.option(fc.oneof(fc.string(), fc.json(), fc.string({ minLength: 40_000, maxLength: 40_100 }))), (e, c) => {
        const parsed = parseStepFunctionsError(e ?? undefined, c ?? undefined);
        expect(parsed.message.length).toBeGreaterThan(0);
        expect(parsed.message.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_CHARS);
        expect(parsed.type.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });
});
