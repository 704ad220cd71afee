import { launchWorkerLambda } from '../handlers/launchWorkerLambda.js';

/** Step Functions task (`.waitForTaskToken`), seed 003: launch the renderer on a Spot instance. */
export const handler = launchWorkerLambda('renderer', process.env);
