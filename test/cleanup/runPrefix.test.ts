import { err, ok } from 'neverthrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isRunFolder, runPrefix } from '../../application/cleanup/runPrefix.js';

const refused = (message: string) => err({ type: 'InvalidInput', issues: [{ field: 'job_id', message }] });

describe('runPrefix', () => {
  it.each(['job-abc123', '6f1c2a4e-8b7d-4e3f-9a10-2b3c4d5e6f70', 'exec:2026-02-07T12.00', 'a', 'job_1.v2', 'x'.repeat(200)])(
    'names exactly one run folder for %s',
    (jobId) => {
      expect(runPrefix(jobId)).toEqual(ok(`runs/${jobId}/`));
    },
  );

  it.each([
    ['', 'must not be empty (the prefix would be every run)'],
    ['x'.repeat(201), 'must be at most 200 characters'],
    ['/', "must not contain '/' or '\\' (the prefix would reach other folders)"],
    ['job/../other', "must not contain '/' or '\\' (the prefix would reach other folders)"],
    ['job\\x', "must not contain '/' or '\\' (the prefix would reach other folders)"],
    ['..', "must not be '.' or contain '..' (a path step out of the run's folder)"],
    ['.', "must not be '.' or contain '..' (a path step out of the run's folder)"],
    ['a..b', "must not be '.' or contain '..' (a path step out of the run's folder)"],
    ['*', 'must not contain wildcards (* ? [ ] { })'],
    ['job-?', 'must not contain wildcards (* ? [ ] { })'],
    ['job-[0-9]', 'must not contain wildcards (* ? [ ] { })'],
    [' ', 'must not contain whitespace or control characters'],
    ['job 1', 'must not contain whitespace or control characters'],
    ['job-1\n', 'must not contain whitespace or control characters'],
    ['job\u0000', 'must not contain whitespace or control characters'],
    ['job\u200b', 'must not contain whitespace or control characters'],
    ['job%2F..', "must not be '.' or contain '..' (a path step out of the run's folder)"],
    ['job%2F', 'may contain only letters, digits and - _ . : @ = +'],
    ['jöb', 'may contain only letters, digits and - _ . : @ = +'],
  ])('refuses %j: %s', (jobId, message) => {
    expect(runPrefix(jobId)).toEqual(refused(message));
  });

  it('never yields a prefix that names more than one run folder, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (jobId) => {
        const r = runPrefix(jobId);
        if (r.isErr()) return;
        expect(r.value).toBe(`runs/${jobId}/`);
        expect(r.value.split('/')).toEqual(['runs', jobId, '']);
        expect(jobId).not.toMatch(/^\.*$|[*?\s]/);
      }),
    );
  });

  it('isRunFolder accepts exactly what runPrefix makes', () => {
    expect(isRunFolder('runs/job-1/')).toBe(true);
    for (const p of ['', 'runs/', 'runs//', 'runs/job-1', 'runs/a/b/', 'other/job-1/', 'runs/../', 'runs/*/']) {
      expect(isRunFolder(p)).toBe(false);
    }
  });
});
