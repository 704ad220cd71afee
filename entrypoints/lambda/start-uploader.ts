import { launchWorkerLambda } from '../handlers/launchWorkerLambda.js';

/** Step Functions task (`.waitForTaskToken`), seed 003: launch the uploader on a Spot instance. */
export const handler = launchWorkerLambda('uploader', process.env);
