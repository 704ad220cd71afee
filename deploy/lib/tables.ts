import type { CreateTableInput } from '@aws-sdk/client-dynamodb';
import { RemovalPolicy } from 'aws-cdk-lib';
import { CfnTable, type CfnTableProps } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TTL_ATTRIBUTE } from '../../adapters/dynamodb/tables/index.js';

/** The parts of a CreateTableInput that describe the table's shape; anything else is refused so a change is noticed. */
const SHAPE = ['TableName', 'BillingMode', 'KeySchema', 'AttributeDefinitions', 'GlobalSecondaryIndexes', 'LocalSecondaryIndexes', 'StreamSpecification'];

/** `{ AttributeName: 'x' }` → `{ attributeName: 'x' }`, deeply: CloudFormation's property names are the API's, camelCased. */
function camel(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camel);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), camel(v)]));
}

export interface BatonTableProps {
  /** The library's definition (`callbacksTable()`, `jobsTable()`, `countersTable()`): keys and indexes come from it. */
  readonly definition: CreateTableInput;
  /** @default RemovalPolicy.RETAIN — callback mappings and job records outlive a stack. */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A DynamoDB table made from the same CreateTableInput as `dist/tables.json`, so the code and
 * the deployment cannot disagree on keys or indexes; plus TTL on `ttl` and point-in-time
 * recovery. The physical name is CloudFormation's (handlers receive it in their environment),
 * so two deployments never collide.
 */
export class BatonTable extends Construct {
  readonly resource: CfnTable;
  readonly tableName: string;
  readonly tableArn: string;
  readonly indexNames: readonly string[];

  constructor(scope: Construct, id: string, props: BatonTableProps) {
    super(scope, id);
    const unknown = Object.keys(props.definition).filter((k) => !SHAPE.includes(k));
    if (unknown.length > 0) throw new Error(`BatonTable ${id}: unsupported table definition fields ${unknown.join(', ')}`);
    const { TableName: _ignored, ...shape } = props.definition;
    this.resource = new CfnTable(this, 'Resource', {
      ...(camel(shape) as Partial<CfnTableProps> as object),
      keySchema: camel(props.definition.KeySchema) as CfnTable.KeySchemaProperty[],
      billingMode: props.definition.BillingMode ?? 'PAY_PER_REQUEST',
      timeToLiveSpecification: { attributeName: TTL_ATTRIBUTE, enabled: true },
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      sseSpecification: { sseEnabled: true },
      deletionProtectionEnabled: (props.removalPolicy ?? RemovalPolicy.RETAIN) === RemovalPolicy.RETAIN,
    });
    this.resource.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.RETAIN);
    this.tableName = this.resource.ref;
    this.tableArn = this.resource.attrArn;
    this.indexNames = (props.definition.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName!);
  }

  /** The ARN of one of its indexes (for `dynamodb:Query` on exactly that index). */
  indexArn(indexName: string): string {
    if (!this.indexNames.includes(indexName)) throw new Error(`${this.node.path} has no index ${indexName}`);
    return `${this.tableArn}/index/${indexName}`;
  }
}
