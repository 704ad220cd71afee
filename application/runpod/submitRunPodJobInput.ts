import * as v from 'valibot';
import { ExecutionArnSchema } from '../shared/executionArn.js';
import { bucketNameProblem, nestingDepth, S3_KEY_BYTES, STORE_LIMITS } from '../../domain/shared/storableLimits.js';
import { keyText } from '../shared/storable.js';

const text = (what: string, maxBytes: number = STORE_LIMITS.partitionKeyBytes) =>
  v.pipe(v.string(`${what} must be a string`), v.trim(), v.minLength(1, `${what} must not be empty`), ...keyText(what, maxBytes));
const millis = v.pipe(v.number('must be a number of milliseconds'), v.integer('must be an integer'), v.minValue(1000, 'must be at least 1000'));

/** S3 SigV4 presigned URLs live at most 7 days. */
const MAX_PRESIGN_SECONDS = 604_800;

/** The Step Functions task input of seed 000, plus RunPod's optional `policy`. */
export const SubmitRunPodJobInputSchema = v.object({
  task_token: text('task_token'),
  exec_id: text('exec_id'),
  /** `$$.Execution.Id`: stored on the mapping, so the execution's end cancels the job. */
  execution_arn: v.optional(ExecutionArnSchema),
  segment: v.object(
    {
      filename: text('filename'),
      input_key: text('input_key', S3_KEY_BYTES),
      output_key: text('output_key', S3_KEY_BYTES),
    },
    'segment must be an object with filename, input_key and output_key',
  ),
  params: v.optional(
    v.pipe(
      v.record(v.string(), v.unknown(), 'params must be an object'),
      v.check(
        (p) => nestingDepth(p, STORE_LIMITS.nestingDepth + 1) <= STORE_LIMITS.nestingDepth,
        `params must not nest more than ${STORE_LIMITS.nestingDepth} levels deep`,
      ),
    ),
    {},
  ),
  bucket: v.optional(
    v.pipe(
      text('bucket'),
      v.rawCheck(({ dataset, addIssue }) => {
        const problem = dataset.typed ? bucketNameProblem(dataset.value) : undefined;
        if (problem) addIssue({ message: `bucket ${problem}` });
      }),
    ),
  ),
  presign_expires_secs: v.optional(
    v.pipe(
      v.number('presign_expires_secs must be a number'),
      v.integer('presign_expires_secs must be an integer'),
      v.minValue(60, 'presign_expires_secs must be at least 60'),
      v.maxValue(MAX_PRESIGN_SECONDS, 'presign_expires_secs must be at most 604800 (7 days)'),
    ),
  ),
  /** RunPod's execution policy for this job; defaults come from configuration. */
  policy: v.optional(
    v.object({ executionTimeout: v.optional(millis), ttl: v.optional(millis) }, 'policy must be an object'),
  ),
});

export type SubmitRunPodJobInput = v.InferInput<typeof SubmitRunPodJobInputSchema>;
