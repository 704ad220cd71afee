import type { PageCursor } from '../../application/ports/CallbackMappings.js';

/** Where a paged query over a list of index partitions stands: which partition, and DynamoDB's own key in it. */
export interface IndexPosition {
  readonly partition: number;
  readonly key?: Record<string, unknown>;
}

/** An opaque cursor: the position as base64url JSON (index keys hold only strings). */
export function encodeCursor(position: IndexPosition): PageCursor {
  return Buffer.from(JSON.stringify(position)).toString('base64url') as PageCursor;
}

/** Reads a cursor this module wrote; anything else starts from the beginning. */
export function decodeCursor(cursor: PageCursor | undefined): IndexPosition {
  if (cursor === undefined) return { partition: 0 };
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as IndexPosition;
    return Number.isInteger(value.partition) && value.partition >= 0 ? value : { partition: 0 };
  } catch {
    return { partition: 0 };
  }
}
