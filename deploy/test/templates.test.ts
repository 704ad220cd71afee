import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { EXECUTION_INDEX, RECONCILE_INDEX } from '../../adapters/dynamodb/tables/callbacksTable.js';
import { callbacksTable, countersTable, jobsTable, REDRIVE_INDEX } from '../../adapters/dynamodb/tables/index.js';
import { aslPlaceholders, DEFINITION_METADATA } from '../lib/AslStateMachine.js';
import { handlerNames, REPO_ROOT } from '../lib/bundles.js';
import { actionsOf, deployedFunctions, resourcesOf, resourcesOfType, statementsOfRole, template, type Resource } from './assembly.js';

/**
 * Bundles that no construct deploys, each with the reason. Empty: every file in
 * entrypoints/lambda/ is a function of one of the four constructs.
 */
export const NOT_DEPLOYED: Record<string, string> = {};

const t = template();
const functions = deployedFunctions(t);
const fn = (handler: string) => {
  const found = functions.find((f) => f.handler === handler);
  if (!found) throw new Error(`${handler} is not deployed`);
  return found;
};
const props = (r: Resource) => r.Properties ?? {};

describe('the example app', () => {
  it('synthesizes with cdk-nag and the CloudFormation validator passing', () => {
    expect(inject('synthError')).toBe('');
  });

  it('deploys every bundle in entrypoints/lambda/ (or says why not), and nothing else', () => {
    const deployed = new Set(functions.map((f) => f.handler));
    const missing = handlerNames().filter((h) => !deployed.has(h) && !(h in NOT_DEPLOYED));
    expect(missing, 'bundles no construct deploys: wire them in, or list them in NOT_DEPLOYED with a reason').toEqual([]);
    expect([...deployed].filter((h) => !handlerNames().includes(h))).toEqual([]);
  });
});

describe('tables', () => {
  const tables = resourcesOfType(t, 'AWS::DynamoDB::Table').map(([, r]) => props(r));
  it.each([
    ['callbacks', callbacksTable()],
    ['jobs (shared by the job API, handle-error and ECS dispatch)', jobsTable()],
    ['counters', countersTable()],
  ])('%s: keys and indexes from the library definition, TTL on ttl, PITR, exactly one', (_, definition) => {
    const matching = tables.filter((p) => JSON.stringify(p['KeySchema']) === JSON.stringify(definition.KeySchema));
    expect(matching).toHaveLength(1);
    const table = matching[0]!;
    expect(table['AttributeDefinitions']).toEqual(definition.AttributeDefinitions);
    expect(table['GlobalSecondaryIndexes'] ?? []).toEqual(definition.GlobalSecondaryIndexes ?? []);
    expect(table['BillingMode']).toBe('PAY_PER_REQUEST');
    expect(table['TimeToLiveSpecification']).toEqual({ AttributeName: 'ttl', Enabled: true });
    expect(table['PointInTimeRecoverySpecification']).toEqual({ PointInTimeRecoveryEnabled: true });
  });

  it('has no other tables', () => {
    expect(tables).toHaveLength(3);
  });
});

describe('functions', () => {
  it.each(functions.map((f) => [f.handler, f]))('%s: arm64, nodejs22.x, source maps on, its own role and log group', (_, f) => {
    const p = props(f.resource);
    expect(p['Architectures']).toEqual(['arm64']);
    expect(p['Runtime']).toBe('nodejs22.x');
    expect(p['Handler']).toBe('index.handler');
    expect(f.environment['NODE_OPTIONS']).toBe('--enable-source-maps');
    expect(readdirSync(f.assetDir).sort()).toEqual(['index.mjs', 'index.mjs.map']);
    expect(readFileSync(join(f.assetDir, 'index.mjs'), 'utf8').trimEnd().endsWith('//# sourceMappingURL=index.mjs.map')).toBe(true);
    expect(p['LoggingConfig']).toMatchObject({ LogGroup: { Ref: expect.any(String) } });
    const roles = functions.filter((other) => other.roleId === f.roleId);
    expect(roles).toHaveLength(1);
  });

  it('no role carries an AWS managed policy', () => {
    for (const [, role] of resourcesOfType(t, 'AWS::IAM::Role')) expect(props(role)['ManagedPolicyArns']).toBeUndefined();
  });
});

describe('RunPod callbacks', () => {
  it('routes POST /webhook/{callback_token} to runpod-webhook on a throttled, access-logged HTTP API stage', () => {
    const [[, route]] = resourcesOfType(t, 'AWS::ApiGatewayV2::Route').filter(([, r]) => props(r)['RouteKey'] === 'POST /webhook/{callback_token}') as [[string, Resource]];
    expect(props(route)['AuthorizationType']).toBe('NONE');
    const stages = resourcesOfType(t, 'AWS::ApiGatewayV2::Stage').map(([, s]) => props(s));
    for (const stage of stages) {
      expect(stage['DefaultRouteSettings']).toMatchObject({ ThrottlingRateLimit: expect.any(Number), ThrottlingBurstLimit: expect.any(Number) });
      expect(stage['AccessLogSettings']).toBeDefined();
    }
  });

  it('gives submit-runpod-job the webhook URL, the secret id, and no plain API key', () => {
    const env = fn('submit-runpod-job').environment;
    expect(JSON.stringify(env['WEBHOOK_BASE_URL'])).toContain('/webhook/');
    expect(env['RUNPOD_API_KEY_SECRET_ID']).toBe('baton/runpod-api-key');
    expect(env['RUNPOD_API_KEY']).toBeUndefined();
  });

  it.each([
    ['callback-redrive', 'rate(1 minute)', REDRIVE_INDEX],
    ['runpod-reconcile', 'rate(5 minutes)', RECONCILE_INDEX],
  ])('runs %s on %s and lets it query only the sparse %s index', (handler, schedule, index) => {
    const f = fn(handler);
    const rules = resourcesOfType(t, 'AWS::Events::Rule').filter(([, r]) => JSON.stringify(props(r)['Targets']).includes(f.logicalId));
    expect(rules.map(([, r]) => props(r)['ScheduleExpression'])).toEqual([schedule]);
    const query = f.statements.filter((s) => actionsOf(s).includes('dynamodb:Query'));
    expect(query.flatMap(resourcesOf).map((r) => JSON.stringify(r))).toEqual([expect.stringContaining(`/index/${index}`)]);
    expect(f.statements.some((s) => actionsOf(s).includes('dynamodb:Scan'))).toBe(false);
  });
});

describe('no paid compute outlives its execution', () => {
  it('runs execution-ended on each pipeline\'s ABORTED, TIMED_OUT and FAILED executions, querying only the execution index', () => {
    const f = fn('execution-ended');
    const rules = resourcesOfType(t, 'AWS::Events::Rule').filter(([, r]) => JSON.stringify(props(r)['Targets']).includes(f.logicalId));
    const machines = resourcesOfType(t, 'AWS::StepFunctions::StateMachine').map(([id]) => id);
    expect(machines.length).toBeGreaterThanOrEqual(1);
    const patterns = rules.map(([, r]) => props(r)['EventPattern']);
    expect(patterns).toHaveLength(machines.length);
    expect(patterns).toEqual(
      expect.arrayContaining(
        machines.map((id) => ({
          source: ['aws.states'],
          'detail-type': ['Step Functions Execution Status Change'],
          detail: { stateMachineArn: [{ Ref: id }], status: ['ABORTED', 'TIMED_OUT', 'FAILED'] },
        })),
      ),
    );
    const query = f.statements.filter((s) => actionsOf(s).includes('dynamodb:Query'));
    expect(query.flatMap(resourcesOf).map((r) => JSON.stringify(r))).toEqual([expect.stringContaining(`/index/${EXECUTION_INDEX}`)]);
  });

  it.each(['execution-ended', 'worker-sweeper'])('lets %s terminate only instances Baton tagged', (handler) => {
    const terminate = fn(handler).statements.filter((s) => actionsOf(s).includes('ec2:TerminateInstances'));
    expect(terminate.map((s) => s.Condition)).toEqual([{ StringLike: { 'aws:ResourceTag/baton:role': '*' } }]);
  });

  it('sweeps Spot workers every 10 minutes', () => {
    const f = fn('worker-sweeper');
    const rules = resourcesOfType(t, 'AWS::Events::Rule').filter(([, r]) => JSON.stringify(props(r)['Targets']).includes(f.logicalId));
    expect(rules.map(([, r]) => props(r)['ScheduleExpression'])).toEqual(['rate(10 minutes)']);
  });
});

describe('job API', () => {
  it('authorizes POST /jobs and GET /jobs/{jobId} with IAM by default', () => {
    const routes = resourcesOfType(t, 'AWS::ApiGatewayV2::Route').map(([, r]) => props(r));
    expect(routes.filter((r) => String(r['RouteKey']).includes('/jobs')).map((r) => [r['RouteKey'], r['AuthorizationType']]).sort()).toEqual([
      ['GET /jobs/{jobId}', 'AWS_IAM'],
      ['POST /jobs', 'AWS_IAM'],
    ]);
  });

  it('consumes the status queue with partial batch responses; the queue outlasts 6 × the function timeout', () => {
    for (const handler of ['update-job-status', 'dispatch-to-ecs']) {
      const f = fn(handler);
      const [[, mapping]] = resourcesOfType(t, 'AWS::Lambda::EventSourceMapping').filter(([, m]) => JSON.stringify(props(m)['FunctionName']).includes(f.logicalId)) as [[string, Resource]];
      expect(props(mapping)['FunctionResponseTypes']).toEqual(['ReportBatchItemFailures']);
      const queueId = (props(mapping)['EventSourceArn'] as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
      const queue = props(t.Resources[queueId]!);
      expect(queue['VisibilityTimeout']).toBeGreaterThanOrEqual(6 * (props(f.resource)['Timeout'] as number));
      expect(queue['RedrivePolicy']).toMatchObject({ maxReceiveCount: 5 });
    }
  });
});

describe('pipelines', () => {
  const machines = resourcesOfType(t, 'AWS::StepFunctions::StateMachine');

  it.each(machines.map(([id, m]) => [m.Metadata?.[DEFINITION_METADATA] as string, id, m] as const))(
    '%s: every placeholder in the file is substituted, and nothing else',
    (file, _, machine) => {
      const placeholders = aslPlaceholders(join(REPO_ROOT, file));
      const substitutions = props(machine)['DefinitionSubstitutions'] as Record<string, unknown>;
      expect(Object.keys(substitutions).sort()).toEqual(placeholders);
      expect(placeholders.length).toBeGreaterThan(0);
      for (const value of Object.values(substitutions)) expect(JSON.stringify(value)).toMatch(/arn:|Fn::GetAtt/);
      // Every execution event is logged, without execution data (task tokens stay out of logs).
      expect(props(machine)['LoggingConfiguration']).toMatchObject({ Level: 'ALL', IncludeExecutionData: false });
    },
  );

  it.each(machines.map(([id, m]) => [m.Metadata?.[DEFINITION_METADATA] as string, id, m] as const))(
    '%s: its role may invoke exactly the functions substituted into it',
    (_, __, machine) => {
      const roleId = ((props(machine)['RoleArn'] as { 'Fn::GetAtt': [string] })['Fn::GetAtt'])[0];
      const invoke = statementsOfRole(t, roleId).filter((s) => actionsOf(s).some((a) => a.startsWith('lambda:')));
      expect(invoke.flatMap(actionsOf)).toEqual(['lambda:InvokeFunction']);
      const substituted = Object.values(props(machine)['DefinitionSubstitutions'] as Record<string, unknown>).map((v) => JSON.stringify(v));
      expect(invoke.flatMap(resourcesOf).map((r) => JSON.stringify(r)).sort()).toEqual(substituted.sort());
      const others = statementsOfRole(t, roleId).filter((s) => !invoke.includes(s)).flatMap(actionsOf);
      expect(others.every((a) => a.startsWith('logs:')), others.join(', ')).toBe(true);
    },
  );

  it('deploys every shipped definition', () => {
    const shipped = readdirSync(join(REPO_ROOT, 'pipelines')).filter((f) => f.endsWith('.asl.json')).map((f) => `pipelines/${f}`);
    expect(machines.map(([, m]) => m.Metadata?.[DEFINITION_METADATA]).sort()).toEqual(shipped.sort());
  });
});

describe('manga pipeline', () => {
  it('gives the workers\' instance role the callbacks table\'s item actions only, and the resume calls on this machine', () => {
    const [[profileId, profile]] = resourcesOfType(t, 'AWS::IAM::InstanceProfile') as [[string, Resource]];
    const roleId = ((props(profile)['Roles'] as { Ref: string }[])[0]!).Ref;
    const statements = statementsOfRole(t, roleId);
    const byActions = Object.fromEntries(statements.map((s) => [actionsOf(s).sort().join(','), resourcesOf(s).map((r) => JSON.stringify(r))]));
    const callbacksId = resourcesOfType(t, 'AWS::DynamoDB::Table').find(([, r]) => JSON.stringify(props(r)['KeySchema']).includes('callback_token'))![0];
    expect(byActions).toEqual({
      'dynamodb:GetItem,dynamodb:UpdateItem': [JSON.stringify({ 'Fn::GetAtt': [callbacksId, 'Arn'] })],
      'states:SendTaskFailure,states:SendTaskHeartbeat,states:SendTaskSuccess': [expect.stringContaining('Ref')],
    });
    expect(JSON.stringify(fn('start-renderer').environment['RENDERER_IAM_INSTANCE_PROFILE'])).toContain(profileId);
  });
});

describe('ECS dispatch', () => {
  it('may run only the two task definitions, on the cluster, and pass only their roles', () => {
    const statements = fn('dispatch-to-ecs').statements;
    const run = statements.find((s) => actionsOf(s).includes('ecs:RunTask'))!;
    expect(resourcesOf(run)).toEqual([
      'arn:aws:ecs:us-east-1:123456789012:task-definition/recorder:1',
      'arn:aws:ecs:us-east-1:123456789012:task-definition/transmission:1',
    ]);
    expect(run.Condition).toEqual({ ArnEquals: { 'ecs:cluster': 'arn:aws:ecs:us-east-1:123456789012:cluster/recorders' } });
    const pass = statements.find((s) => actionsOf(s).includes('iam:PassRole'))!;
    expect(resourcesOf(pass).sort()).toEqual([
      'arn:aws:iam::123456789012:role/recorder-execution',
      'arn:aws:iam::123456789012:role/recorder-task',
      'arn:aws:iam::123456789012:role/transmission-task',
    ]);
  });

  it('validates the request body on a REST API with IAM authorization', () => {
    const methods = resourcesOfType(t, 'AWS::ApiGateway::Method').map(([, m]) => props(m)).filter((m) => m['HttpMethod'] === 'POST');
    expect(methods.map((m) => [m['AuthorizationType'], Boolean(m['RequestValidatorId'])])).toEqual([['AWS_IAM', true]]);
  });
});

describe('operations', () => {
  const alarms = resourcesOfType(t, 'AWS::CloudWatch::Alarm').map(([, a]) => props(a));
  const metricsOf = (name: string) => alarms.filter((a) => a['MetricName'] === name);

  it('alarms on errors and throttles of every function', () => {
    expect(metricsOf('Errors')).toHaveLength(functions.length);
    expect(metricsOf('Throttles')).toHaveLength(functions.length);
  });

  it('alarms when any dead-letter queue holds a message', () => {
    const dlqs = resourcesOfType(t, 'AWS::SQS::Queue').filter(([id]) => /Dlq/.test(id));
    expect(dlqs.length).toBeGreaterThanOrEqual(3);
    expect(metricsOf('ApproximateNumberOfMessagesVisible')).toHaveLength(dlqs.length);
  });

  it('alarms on the age of the oldest accepted-but-not-resumed callback, the metric the redrive emits', () => {
    expect(metricsOf('OldestAcceptedCallbackAgeSeconds')).toEqual([
      expect.objectContaining({ Namespace: 'Baton', Statistic: 'Maximum', Dimensions: [{ Name: 'service', Value: 'baton-callback-redrive' }] }),
    ]);
  });

  it('alarms on a permanent Step Functions refusal from any path that resumes', () => {
    const refusedAlarms = alarms.filter((a) => JSON.stringify(a['Metrics'] ?? []).includes('"CallbacksRefused"'));
    expect(refusedAlarms).toHaveLength(1);
    const services = (refusedAlarms[0]!['Metrics'] as { MetricStat?: { Metric: { Dimensions: { Value: string }[] } } }[])
      .flatMap((m) => (m.MetricStat ? m.MetricStat.Metric.Dimensions.map((d) => d.Value) : []))
      .sort();
    expect(services).toEqual(['baton-callback-redrive', 'baton-runpod-reconcile', 'baton-runpod-webhook']);
  });

  it('alarms on failed and timed-out pipeline executions', () => {
    const machines = resourcesOfType(t, 'AWS::StepFunctions::StateMachine').length;
    expect(metricsOf('ExecutionsFailed')).toHaveLength(machines);
    expect(metricsOf('ExecutionsTimedOut')).toHaveLength(machines);
  });

  /** The metrics an alarm's metric math reads: namespace, name and dimensions (Refs as their logical ids). */
  const mathMetrics = (alarm: Record<string, unknown>) =>
    ((alarm['Metrics'] ?? []) as { MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: unknown }[] } } }[])
      .flatMap((m) => (m.MetricStat ? [m.MetricStat.Metric] : []))
      .map((m) => ({
        metric: `${m.Namespace} ${m.MetricName}`,
        dimensions: Object.fromEntries(m.Dimensions.map((d) => [d.Name, (d.Value as { Ref?: string }).Ref ?? d.Value])),
      }));

  it('alarms when a table is throttled (reads, writes) or an index of it throttles writes: one alarm per table, a capacity limit hit', () => {
    const tables = resourcesOfType(t, 'AWS::DynamoDB::Table');
    const throttleAlarms = alarms.filter((a) => mathMetrics(a).some((m) => m.metric === 'AWS/DynamoDB WriteThrottleEvents'));
    expect(throttleAlarms).toHaveLength(tables.length);
    for (const [tableId, table] of tables) {
      const indexes = ((props(table)['GlobalSecondaryIndexes'] ?? []) as { IndexName: string }[]).map((i) => i.IndexName);
      const alarm = throttleAlarms.find((a) => mathMetrics(a).some((m) => m.dimensions['TableName'] === tableId));
      expect(alarm, `no throttle alarm for ${tableId}`).toBeDefined();
      expect(mathMetrics(alarm!)).toEqual([
        { metric: 'AWS/DynamoDB WriteThrottleEvents', dimensions: { TableName: tableId } },
        { metric: 'AWS/DynamoDB ReadThrottleEvents', dimensions: { TableName: tableId } },
        ...indexes.map((index) => ({ metric: 'AWS/DynamoDB WriteThrottleEvents', dimensions: { TableName: tableId, GlobalSecondaryIndexName: index } })),
      ]);
      expect(alarm!['Threshold']).toBe(1);
    }
  });

  it('alarms when Step Functions throttles SendTaskSuccess/Failure/Heartbeat, StartExecution or state transitions', () => {
    const sfnAlarms = alarms.filter((a) => mathMetrics(a).some((m) => m.metric === 'AWS/States ThrottledEvents'));
    expect(sfnAlarms).toHaveLength(1);
    expect(mathMetrics(sfnAlarms[0]!).map((m) => m.dimensions)).toEqual([
      { ServiceMetric: 'StateTransition' },
      { APIName: 'SendTaskSuccess' },
      { APIName: 'SendTaskFailure' },
      { APIName: 'SendTaskHeartbeat' },
      { APIName: 'StartExecution' },
    ]);
  });

  it('has one dashboard, showing every function', () => {
    const dashboards = resourcesOfType(t, 'AWS::CloudWatch::Dashboard');
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(props(dashboards[0]![1])['DashboardBody']);
    for (const f of functions) expect(body).toContain(f.logicalId);
  });
});
