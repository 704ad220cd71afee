import type { CreateTableInput } from '@aws-sdk/client-dynamodb';
import { callbacksTable } from './callbacksTable.js';
import { countersTable } from './countersTable.js';
import { jobsTable } from './jobsTable.js';

export { callbacksTable, REDRIVE_INDEX } from './callbacksTable.js';
export { countersTable } from './countersTable.js';
export { jobsTable } from './jobsTable.js';

/** Every table the code expects. Each has TTL on the `ttl` attribute (set it with UpdateTimeToLive). */
export const TTL_ATTRIBUTE = 'ttl';

/** The CreateTable inputs by logical name, with default table names; `npm run bundle` writes them to `dist/tables.json`. */
export function tableDefinitions(): Record<'callbacks' | 'jobs' | 'counters', CreateTableInput> {
  return { callbacks: callbacksTable(), jobs: jobsTable(), counters: countersTable() };
}
