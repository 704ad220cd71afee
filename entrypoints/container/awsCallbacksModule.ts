import { ContainerModule } from 'inversify';
import { DynamoDbCallbackMappings } from '../../adapters/dynamodb/DynamoDbCallbackMappings.js';
import { StepFunctionsTaskTokens } from '../../adapters/stepfunctions/StepFunctionsTaskTokens.js';
import { dynamoDbClient } from '../aws/dynamoDbClient.js';
import { sfnClient } from '../aws/sfnClient.js';
import { Callbacks } from './callbacksModule.js';
import { Platform } from './platformModule.js';

/**
 * The callbacks table in DynamoDB and Step Functions' SendTask* API. `callbackIndexShards` is
 * `CALLBACK_INDEX_SHARDS`, required so no function can forget it: every writer and reader of the
 * table must use the same value.
 */
export function awsCallbacksModule(config: { readonly callbackTableName: string; readonly callbackIndexShards: number }): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(Callbacks.Mappings).toResolvedValue(
      () => new DynamoDbCallbackMappings(dynamoDbClient(), config.callbackTableName, { callbackIndexShards: config.callbackIndexShards }),
    );
    bind(Callbacks.TaskTokens).toResolvedValue(
      (log, metrics) => new StepFunctionsTaskTokens(sfnClient(), { log, metrics }),
      [Platform.Log, Platform.Metrics],
    );
  });
}
