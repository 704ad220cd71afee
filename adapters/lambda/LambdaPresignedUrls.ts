import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { PresignedUrls, SegmentObjects } from '../../application/ports/PresignedUrls.js';

/** The presign function failed or answered without both URLs: a fault, thrown so Step Functions retries. */
class PresignFunctionError extends Error {
  override readonly name = 'PresignFunctionError';
}

/**
 * Asks an existing presign function (seed 000's `presign_s3_urls`):
 * `{"bucket","input_key","output_key","expires_secs"}` → `{"input_url","output_url"}`.
 */
export class LambdaPresignedUrls implements PresignedUrls {
  constructor(
    private readonly lambda: LambdaClient,
    private readonly functionArn: string,
  ) {}

  async forSegment(o: SegmentObjects): Promise<{ inputUrl: string; outputUrl: string }> {
    const payload = { bucket: o.bucket, input_key: o.inputKey, output_key: o.outputKey, expires_secs: o.expiresSecs };
    const response = await this.lambda.send(
      new InvokeCommand({ FunctionName: this.functionArn, Payload: new TextEncoder().encode(JSON.stringify(payload)) }),
    );
    const text = response.Payload ? new TextDecoder().decode(response.Payload) : '';
    if (response.FunctionError) {
      throw new PresignFunctionError(`presign function failed (${response.FunctionError}): ${text.slice(0, 500)}`);
    }
    const answer = parse(text);
    if (typeof answer?.input_url !== 'string' || typeof answer.output_url !== 'string') {
      throw new PresignFunctionError(`presign function answered without input_url/output_url: ${text.slice(0, 200)}`);
    }
    return { inputUrl: answer.input_url, outputUrl: answer.output_url };
  }
}

function parse(text: string): { input_url?: unknown; output_url?: unknown } | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}
