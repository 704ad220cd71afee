/**
 * Baton: hand long-running work out of AWS Step Functions and resume the workflow exactly once.
 * The library's public surface: domain, use-cases and ports, adapters (AWS and in-memory), and
 * the DynamoDB table definitions. Importing it has no side effects: no client is created and
 * no environment variable is read until you construct something.
 */
export * from './domain/index.js';
export * from './application/index.js';
export * from './adapters/index.js';
