import * as v from 'valibot';
import { err, ok, type Result } from 'neverthrow';
import { invalidInput, type InvalidInput } from '../../domain/shared/InvalidInput.js';

/**
 * Parses untrusted input (a Step Functions event, an HTTP body) with a valibot schema.
 * Every issue is reported with the dotted path of its field, so a caller sees all
 * problems at once.
 */
export function validate<S extends v.GenericSchema>(
  schema: S,
  input: unknown,
): Result<v.InferOutput<S>, InvalidInput> {
  const parsed = v.safeParse(schema, input);
  if (parsed.success) return ok(parsed.output);
  return err(
    invalidInput(
      parsed.issues.map((issue) => ({ field: v.getDotPath(issue) ?? '', message: issue.message })),
    ),
  );
}
