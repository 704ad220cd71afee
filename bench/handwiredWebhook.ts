/**
 * The runpod-webhook handler wired by hand, without inversify: the benchmark's baseline for
 * what the container costs at cold start. Not a product entry point.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { CompleteCallback } from '../application/callbacks/CompleteCallback.js';
import { ResumeCallback } from '../application/callbacks/ResumeCallback.js';
import { HandleRunPodWebhook } from '../application/runpod/HandleRunPodWebhook.js';
import { DynamoDbCallbackMappings } from '../adapters/dynamodb/DynamoDbCallbackMappings.js';
import { StepFunctionsTaskTokens } from '../adapters/stepfunctions/StepFunctionsTaskTokens.js';
import { SystemClock } from '../adapters/system/SystemClock.js';
import { runPodWebhookHandler } from '../entrypoints/handlers/runPodWebhook.js';
import { lambdaPlatform } from '../entrypoints/runtime/lambdaPlatform.js';

const table = process.env['CALLBACK_TABLE_NAME'];
if (!table) throw new Error('CALLBACK_TABLE_NAME is required');
const platform = lambdaPlatform('runpod-webhook', process.env['LOG_LEVEL'] ?? 'INFO');
const clock = new SystemClock();
const mappings = new DynamoDbCallbackMappings(new DynamoDBClient({}), table);
const { log, metrics } = platform;
const resumeCallback = new ResumeCallback({ mappings, taskTokens: new StepFunctionsTaskTokens(new SFNClient({})), clock, log, metrics });
const completeCallback = new CompleteCallback({ mappings, resumeCallback, clock, log, metrics });

export const handler = platform.wrap(runPodWebhookHandler(new HandleRunPodWebhook({ completeCallback, log }), log));
