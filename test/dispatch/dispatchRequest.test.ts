import { err, ok } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { JOB_ID_RULE, readDispatchRequest } from '../../application/dispatch/dispatchRequest.js';
import { invalidField } from '../../domain/shared/InvalidInput.js';
import { MAGNET_URL, STREAM_URL } from './builders.js';

describe('readDispatchRequest', () => {
  it('takes the body job id over the default one, and keeps the normalised URL as the spec', () => {
    const r = readDispatchRequest({ request: { url: ` ${STREAM_URL} `, job_id: 'job-7', extra: 1 }, defaultJobId: 'msg-1' });

    expect(r).toEqual(ok({ jobId: 'job-7', source: expect.objectContaining({ kind: 'stream', url: STREAM_URL }), spec: { url: STREAM_URL, job_id: 'job-7' } }));
  });

  it('runs a body without a job id under the default one', () => {
    const r = readDispatchRequest({ request: { url: MAGNET_URL }, defaultJobId: 'msg-1' });

    expect(r.isOk() && { jobId: r.value.jobId, kind: r.value.source.kind }).toEqual({ jobId: 'msg-1', kind: 'torrent' });
  });

  it('refuses a default job id that breaks the rule, naming where it came from', () => {
    const r = readDispatchRequest({ request: { url: STREAM_URL }, defaultJobId: 'a b/c', defaultJobIdField: 'Idempotency-Key' });

    expect(r).toEqual(err(invalidField('Idempotency-Key', JOB_ID_RULE)));
  });

  it('refuses a body that is no object before anything else', () => {
    const r = readDispatchRequest({ request: 'https://example.com', defaultJobId: 'a b/c' });

    expect(r.isErr() && r.error.issues).toEqual([{ field: '', message: 'the body must be a JSON object' }]);
  });

  it('refuses a source outside the allow-list', () => {
    const r = readDispatchRequest({ request: { url: 'file:///etc/passwd' }, defaultJobId: 'msg-1' });

    expect(r.isErr() && r.error.issues.map((i) => i.field)).toEqual(['url']);
  });
});
