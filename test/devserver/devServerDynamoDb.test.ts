import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { devServerGroups } from '../../simulation/devserver/devServerGroups.js';
import { dynamoDbBackend, type DynamoDbBackend } from '../../simulation/devserver/dynamoDbBackend.js';
import { startDevServer, type RunningDevServer } from '../../simulation/devserver/startDevServer.js';

let server: RunningDevServer;
let backend: DynamoDbBackend;

beforeAll(async () => {
  backend = await dynamoDbBackend(inject('dynamoDbEndpoint'), `t-${randomUUID()}`);
  server = await startDevServer({ port: 0, write: () => {}, tickSeconds: 0, groups: devServerGroups({ mappings: backend.mappings, jobs: backend.jobs }) });
});

afterAll(async () => {
  await server.close();
  backend.close();
});

const post = (path: string, body: unknown) =>
  fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('dev server on DynamoDB Local (--dynamodb)', () => {
  it('resumes a waiting execution through the DynamoDB callbacks table, once', async () => {
    const job = (await (await post('/dev/runpod-jobs', { runpod: null })).json()) as { execution: string; webhook_url: string; job_id: string };
    const report = { id: job.job_id, status: 'COMPLETED', output: { message: 'ok' } };

    const first = await post(new URL(job.webhook_url).pathname, report);
    const again = await post(new URL(job.webhook_url).pathname, report);

    expect([first.status, again.status]).toEqual([200, 200]);
    expect(await (await fetch(`${server.url}/dev/executions/${job.execution}`)).json()).toMatchObject({
      state: 'succeeded',
      resume_calls: 1,
      callback_status: 'COMPLETED',
    });
  });

  it('keeps jobs in the DynamoDB jobs table', async () => {
    const submitted = await post('/jobs', { jobInfo: { projectId: 'example' }, output: { filename: 'video.mp4' } });
    const { jobId } = (await submitted.json()) as { jobId: string };

    expect(submitted.status).toBe(202);
    expect(await (await fetch(`${server.url}/jobs/${jobId}`)).json()).toMatchObject({ jobId, status: 'submitted' });
  });
});
