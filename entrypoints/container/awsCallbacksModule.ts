import { ContainerModule } from 'inversify';
import { DynamoDbCallbackMappings } from '../../adapters/dynamodb/DynamoDbCallbackMappings.js';
import { StepFunctionsTaskTokens } from '../../adapters/stepfunctions/StepFunctionsTaskTokens.js';
import { dynamoDbClient } from '../aws/dynamoDbClient.js';
import { sfnClient } from '../aws/sfnClient.js';
import { Callbacks } from './callbacksModule.js';

/** The callbacks table in DynamoDB and Step Functions' SendTask* API. */
export function awsCallbacksModule(config: { readonly callbackTableName: string }): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(Callbacks.Mappings).toResolvedValue(() => new DynamoDbCallbackMappings(dynamoDbClient(), config.callbackTableName));
    bind(Callbacks.TaskTokens).toResolvedValue(() => new StepFunctionsTaskTokens(sfnClient()));
  });
}
