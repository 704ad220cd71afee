import { ContainerModule } from 'inversify';
import { DynamoDbDailyCounters } from '../../adapters/dynamodb/DynamoDbDailyCounters.js';
import { dynamoDbClient } from '../aws/dynamoDbClient.js';
import { Quota } from './quotaModule.js';

/** The counters table in DynamoDB (`DYNAMODB_COUNTER_TABLE`). */
export function awsQuotaModule(config: { readonly counterTableName: string }): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(Quota.DailyCounters).toResolvedValue(() => new DynamoDbDailyCounters(dynamoDbClient(), config.counterTableName));
  });
}
