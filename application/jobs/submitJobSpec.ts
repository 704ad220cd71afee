import * as v from 'valibot';

const text = (what: string, max: number) =>
  v.pipe(
    v.string(`${what} must be a string`),
    v.trim(),
    v.minLength(1, `${what} must not be empty`),
    v.maxLength(max, `${what} must be at most ${max} characters`),
  );

/**
 * valibot reports a missing key with its object's message: name the key in that case, and
 * say what the object should be otherwise.
 */
const objectMessage =
  (what: string) =>
  (issue: v.BaseIssue<unknown>): string =>
    issue.received === 'undefined' && /^"/.test(issue.expected ?? '') ? `is required` : what;

/**
 * A video job spec (seed 002's auto-vid format). Only what Baton and the processor rely on is
 * checked; every other field is kept as sent, since the full spec is stored for reprocessing.
 */
export const SubmitJobSpecSchema = v.looseObject(
  {
    jobInfo: v.looseObject(
      {
        projectId: v.pipe(
          text('projectId', 128),
          v.regex(/^[A-Za-z0-9_.-]+$/, 'projectId may contain only letters, digits, ".", "_" and "-"'),
        ),
        title: v.optional(text('title', 500)),
      },
      objectMessage('jobInfo must be an object with a projectId'),
    ),
    assets: v.optional(v.looseObject({}, 'assets must be an object')),
    timeline: v.optional(
      v.array(
        v.looseObject(
          {
            start: v.pipe(v.number('start must be a number of seconds'), v.minValue(0, 'start must not be negative')),
            type: text('type', 64),
          },
          objectMessage('each timeline entry must be an object with start and type'),
        ),
        'timeline must be an array',
      ),
    ),
    output: v.looseObject(
      {
        filename: v.pipe(
          text('filename', 255),
          v.check((s) => !/[/\\]/.test(s) && s !== '.' && s !== '..', 'filename must be a file name, not a path'),
        ),
      },
      objectMessage('output must be an object with a filename'),
    ),
  },
  objectMessage('the body must be a JSON object (a job spec)'),
);

export type SubmitJobSpec = v.InferOutput<typeof SubmitJobSpecSchema>;

/** What the status API shows of a spec without the spec itself (seed 002: projectId, outputFilename). */
export function metadataOf(spec: SubmitJobSpec): Record<string, string> {
  return {
    projectId: spec.jobInfo.projectId,
    outputFilename: spec.output.filename,
    ...(spec.jobInfo.title === undefined ? {} : { title: spec.jobInfo.title }),
  };
}
