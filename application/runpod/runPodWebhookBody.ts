import * as v from 'valibot';

/** RunPod job ids are short (`1c7b1f5e-…-u1`); the id is logged and sent on, so it is bounded. */
const MAX_RUNPOD_ID_LENGTH = 256;

export const RUNPOD_TERMINAL_STATUSES = ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT'] as const;

/** RunPod's webhook body: the `/status` shape of a finished job. */
export const RunPodWebhookBodySchema = v.looseObject(
  {
    id: v.pipe(
      v.string('id must be a string'),
      v.minLength(1, 'id must not be empty'),
      v.maxLength(MAX_RUNPOD_ID_LENGTH, `id must be at most ${MAX_RUNPOD_ID_LENGTH} characters`),
    ),
    status: v.picklist(RUNPOD_TERMINAL_STATUSES, `status must be one of ${RUNPOD_TERMINAL_STATUSES.join(', ')}`),
    delayTime: v.optional(v.number('delayTime must be a number')),
    executionTime: v.optional(v.number('executionTime must be a number')),
    output: v.optional(v.unknown()),
    error: v.optional(v.unknown()),
  },
  'body must be a JSON object',
);

export type RunPodWebhookBody = v.InferOutput<typeof RunPodWebhookBodySchema>;
