import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';

/** How a conditional write went: it landed, or its condition failed and this is the item as it was. */
export type WriteOutcome<T, Item> =
  | { readonly won: true; readonly value: T }
  | { readonly won: false; readonly current: Item | undefined };

/**
 * Runs a conditional write (Put, Update or Delete). A failed condition is an answer, not a
 * fault: it comes back as `won: false` with the item DynamoDB returned alongside it (ask for it
 * with `ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`; `undefined` when there was none). Any
 * other failure is an infrastructure fault and rejects, so Lambda and Step Functions retry.
 *
 * @example
 * const r = await conditionalWrite<UpdateCommandOutput, JobItem>(db.send(update));
 * return r.won ? ok(next) : err(lostTo(r.current));
 */
export function conditionalWrite<T, Item>(write: Promise<T>): Promise<WriteOutcome<T, Item>> {
  return write.then(
    (value): WriteOutcome<T, Item> => ({ won: true, value }),
    (error: unknown): WriteOutcome<T, Item> => {
      if (error instanceof ConditionalCheckFailedException) {
        return { won: false, current: error.Item && (unmarshall(error.Item) as Item) };
      }
      throw error;
    },
  );
}
