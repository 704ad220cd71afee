import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PresignedUrls } from '../../application/ports/PresignedUrls.js';
import { LambdaPresignedUrls } from '../../adapters/lambda/LambdaPresignedUrls.js';
import { InMemoryPresignedUrls } from '../../adapters/memory/InMemoryPresignedUrls.js';
import { S3PresignedUrls } from '../../adapters/s3/S3PresignedUrls.js';
import { startS3rver, type RunningS3rver } from '../support/s3rverLocal.js';

const segment = { bucket: 'media', inputKey: 'runs/e1/raw/seg_0001.mp4', outputKey: 'runs/e1/upscaled/seg_0001.mp4', expiresSecs: 900 };

let s3rver: RunningS3rver;
let s3: S3Client;
beforeAll(async () => {
  s3rver = await startS3rver(['media']);
  s3 = s3rver.client();
});
afterAll(() => s3rver.stop());

const lambdaMock = mockClient(LambdaClient);
const lambdaAnswering = (answer: unknown, functionError?: string) => {
  lambdaMock.reset();
  lambdaMock.on(InvokeCommand).resolves({
    StatusCode: 200,
    ...(functionError ? { FunctionError: functionError } : {}),
    Payload: new TextEncoder().encode(JSON.stringify(answer)) as never,
  });
};

const adapters: [string, () => PresignedUrls][] = [
  ['InMemoryPresignedUrls', () => new InMemoryPresignedUrls()],
  ['S3PresignedUrls (s3rver)', () => new S3PresignedUrls(s3)],
  [
    'LambdaPresignedUrls (presign function mocked)',
    () => {
      lambdaAnswering({
        input_url: `https://media.s3.amazonaws.com/${segment.inputKey}?X-Amz-Expires=900`,
        output_url: `https://media.s3.amazonaws.com/${segment.outputKey}?X-Amz-Expires=900`,
      });
      return new LambdaPresignedUrls(new LambdaClient({ region: 'us-east-1' }), 'arn:aws:lambda:us-east-1:1:function:presign');
    },
  ],
];

describe.each(adapters)('PresignedUrls contract: %s', (name, make) => {
  it('keeps a key with reserved characters one path, never a query or fragment', async () => {
    const awkward = { ...segment, inputKey: 'runs/e1/raw/take #2?.mp4', outputKey: 'runs/e1/up scaled/a&b=c.mp4' };
    const adapter = make();
    if (name.startsWith('Lambda')) {
      lambdaAnswering({
        input_url: 'https://media.s3.amazonaws.com/runs/e1/raw/take%20%232%3F.mp4?X-Amz-Expires=900',
        output_url: 'https://media.s3.amazonaws.com/runs/e1/up%20scaled/a%26b%3Dc.mp4?X-Amz-Expires=900',
      });
    }

    const urls = (await adapter.forSegment(awkward));

    const key = (url: string) => decodeURIComponent(new URL(url).pathname).replace(/^\/(media\/)?/, '');
    expect(key(urls.inputUrl)).toBe(awkward.inputKey);
    expect(key(urls.outputUrl)).toBe(awkward.outputKey);
    expect(new URL(urls.inputUrl).hash).toBe('');
  });

  it('gives one URL for the input key and one for the output key, carrying the expiry', async () => {
    const urls = (await make().forSegment(segment));

    expect(urls.inputUrl).toContain(segment.inputKey);
    expect(urls.outputUrl).toContain(segment.outputKey);
    expect(urls.inputUrl).toContain('X-Amz-Expires=900');
    expect(urls.outputUrl).not.toBe(urls.inputUrl);
  });
});

describe('S3PresignedUrls on a real S3 engine', () => {
  it('the input URL downloads the segment and the output URL uploads the result', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'media' })).catch(() => undefined);
    await s3.send(new PutObjectCommand({ Bucket: 'media', Key: segment.inputKey, Body: 'raw video bytes' }));
    const urls = (await new S3PresignedUrls(s3).forSegment(segment));

    const download = await fetch(urls.inputUrl);
    const upload = await fetch(urls.outputUrl, { method: 'PUT', body: 'upscaled video bytes' });
    const readBack = await fetch((await new S3PresignedUrls(s3).forSegment({ ...segment, inputKey: segment.outputKey })).inputUrl);

    expect([download.status, await download.text()]).toEqual([200, 'raw video bytes']);
    expect(upload.status).toBe(200);
    expect(await readBack.text()).toBe('upscaled video bytes');
  });
});

describe('LambdaPresignedUrls', () => {
  const adapter = () => new LambdaPresignedUrls(new LambdaClient({ region: 'us-east-1' }), 'arn:aws:lambda:us-east-1:1:function:presign');

  it('invokes the presign function with the seed payload', async () => {
    lambdaAnswering({ input_url: 'https://in', output_url: 'https://out' });

    await adapter().forSegment(segment);

    const input = lambdaMock.commandCalls(InvokeCommand)[0]!.args[0].input;
    expect(input.FunctionName).toBe('arn:aws:lambda:us-east-1:1:function:presign');
    expect(JSON.parse(new TextDecoder().decode(input.Payload as Uint8Array))).toEqual({
      bucket: 'media',
      input_key: segment.inputKey,
      output_key: segment.outputKey,
      expires_secs: 900,
    });
  });

  it('throws when the function fails or answers without both URLs', async () => {
    lambdaAnswering({ errorMessage: 'boom' }, 'Unhandled');
    await expect(adapter().forSegment(segment)).rejects.toThrow(/presign function failed \(Unhandled\)/);

    lambdaAnswering({ input_url: 'https://in' });
    await expect(adapter().forSegment(segment)).rejects.toThrow(/without input_url\/output_url/);
  });
});
