import { join } from 'node:path';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { AslStateMachine } from './AslStateMachine.js';
import type { BatonFunction } from './BatonFunction.js';
import { REPO_ROOT } from './bundles.js';
import type { RunPodCallbacks } from './RunPodCallbacks.js';

/** The shipped definition of the RunPod upscaling pipeline (seeds 000/001). */
export const UPSCALE_PIPELINE_FILE = join(REPO_ROOT, 'pipelines/upscale-pipeline.asl.json');

export interface UpscalePipelineProps {
  /** Its submit function is the Map's `.waitForTaskToken` task; its webhook, redrive and reconciler resume it. */
  readonly callbacks: RunPodCallbacks;
  /** Records a failed run (MangaPipeline's `handle-error`, on the jobs table). */
  readonly handleError: BatonFunction;
  /** The user's own functions, by the placeholder the definition names (`SplitVideoFunctionArn`, `AssembleVideoFunctionArn`). */
  readonly userFunctions: Record<string, IFunction>;
  /** @default pipelines/upscale-pipeline.asl.json */
  readonly definitionFile?: string;
}

/**
 * Seeds 000/001 as a workflow: the state machine from pipelines/upscale-pipeline.asl.json,
 * every placeholder substituted (Baton's functions by name, the user's by prop), its tasks
 * resumable by RunPodCallbacks.
 *
 * @example
 * new UpscalePipeline(stack, 'Upscale', { callbacks, handleError: manga.functions['handle-error'], userFunctions: { SplitVideoFunctionArn: split, AssembleVideoFunctionArn: assemble } });
 */
export class UpscalePipeline extends Construct {
  readonly pipeline: AslStateMachine;

  constructor(scope: Construct, id: string, props: UpscalePipelineProps) {
    super(scope, id);
    this.pipeline = new AslStateMachine(this, 'StateMachine', {
      definitionFile: props.definitionFile ?? UPSCALE_PIPELINE_FILE,
      functions: {
        // Named as the definition names them (`RunPod`, not the handler's `runpod`).
        SubmitRunPodJobFunctionArn: props.callbacks.submit.function,
        HandleErrorFunctionArn: props.handleError.function,
        ...props.userFunctions,
      },
      description: 'Baton RunPod upscaling pipeline (seeds 000/001)',
    });
    props.callbacks.grantResume(this.pipeline.stateMachine);
    // Its submit tasks should pass `execution_arn: $$.Execution.Id`, so an aborted run cancels its RunPod jobs.
    props.callbacks.stopWorkOf(this.pipeline.stateMachine);
  }
}
