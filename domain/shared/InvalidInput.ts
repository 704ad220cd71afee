/** One problem with one field of a caller's input. `field` is a dotted path (`segment.input_key`). */
export interface FieldIssue {
  readonly field: string;
  readonly message: string;
}

/** The caller's input is malformed. Never a fault of ours: maps to 400 or a task failure. */
export interface InvalidInput {
  readonly type: 'InvalidInput';
  readonly issues: readonly FieldIssue[];
}

export function invalidInput(issues: readonly FieldIssue[]): InvalidInput {
  return { type: 'InvalidInput', issues };
}

export function invalidField(field: string, message: string): InvalidInput {
  return invalidInput([{ field, message }]);
}

/** `segment.input_key: must not be empty; bucket: is required` */
export function describeIssues(error: InvalidInput): string {
  return error.issues.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message)).join('; ');
}
