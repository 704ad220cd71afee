/**
 * Baton's AWS CDK v2 constructs: one per system, each deployable alone or composed (bin/app.ts).
 * Functions come from the bundles `npm run bundle` writes to dist/lambda/; tables from the
 * library's own table definitions.
 */
export { AslStateMachine, aslPlaceholders, DEFINITION_METADATA, functionPlaceholder, type AslStateMachineProps } from './lib/AslStateMachine.js';
export { BatonFunction, HANDLER_METADATA, type BatonFunctionDefaults, type BatonFunctionProps } from './lib/BatonFunction.js';
export { BatonOperations, type BatonOperationsProps } from './lib/BatonOperations.js';
export { BatonTable, type BatonTableProps } from './lib/tables.js';
export { DEFAULT_BUNDLES_DIR, handlerNames } from './lib/bundles.js';
export { EcsDispatch, type EcsDispatchProps } from './lib/EcsDispatch.js';
export { JobApi, type JobApiProps } from './lib/JobApi.js';
export { MangaPipeline, type MangaPipelineProps, type WorkerPlacement } from './lib/MangaPipeline.js';
export { QueueWithDlq, type QueueWithDlqProps } from './lib/queues.js';
export { LAMBDA_TRANSIENT_ERRORS, OLDEST_ACCEPTED_METRIC, RunPodCallbacks, type RunPodCallbacksProps, type SubmitTaskOptions } from './lib/RunPodCallbacks.js';
export { UPSCALE_PIPELINE_FILE, UpscalePipeline, type UpscalePipelineProps } from './lib/UpscalePipeline.js';
