import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { DefinitionBody, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { RunPodCallbacks } from '../lib/RunPodCallbacks.js';

/** asl-validator (the root's devDependency) ships no types: the one call made here. */
const aslValidator = createRequire(import.meta.url)('asl-validator') as (definition: unknown) => { isValid: boolean; errorsText(): string };

/** RunPodCallbacks in a user's own app: the ready task, resume grants across stacks, the presign Lambda option. */
function userApp(options: { presign?: boolean; callbackIndexShards?: number } = {}) {
  const app = new App({ builtinCloudFormationValidation: false });
  const callbacksStack = new Stack(app, 'Callbacks');
  const callbacks = new RunPodCallbacks(callbacksStack, 'Callbacks', {
    runPodEndpointUrl: 'https://api.runpod.ai/v2/endpoint-1/run',
    runPodApiKey: Secret.fromSecretNameV2(callbacksStack, 'Key', 'runpod-key'),
    ...(options.callbackIndexShards === undefined ? {} : { callbackIndexShards: options.callbackIndexShards }),
    ...(options.presign
      ? { presignFunction: LambdaFunction.fromFunctionArn(callbacksStack, 'Presign', 'arn:aws:lambda:us-east-1:123456789012:function:presign') }
      : { bucket: new Bucket(callbacksStack, 'Media') }),
  });
  // The user's workflow lives in its own stack.
  const workflowStack = new Stack(app, 'Workflow');
  const task = callbacks.submitTask(workflowStack, 'Upscale', { timeout: Duration.hours(1), heartbeat: Duration.minutes(15) });
  const machine = new StateMachine(workflowStack, 'Machine', { definitionBody: DefinitionBody.fromChainable(task) });
  callbacks.grantResume(machine);
  return { app, callbacks: Template.fromStack(callbacksStack), workflow: Template.fromStack(workflowStack) };
}

describe('RunPodCallbacks in your own app', () => {
  const { workflow, callbacks } = userApp();

  it('gives its callbackIndexShards to every function of the table, and refuses one outside 1..256', () => {
    const functions = Object.values(userApp({ callbackIndexShards: 64 }).callbacks.findResources('AWS::Lambda::Function'))
      .map((f) => (f['Properties']['Environment']?.['Variables'] ?? {}) as Record<string, unknown>)
      .filter((env) => 'CALLBACK_TABLE_NAME' in env);

    expect(functions.length).toBeGreaterThanOrEqual(5);
    expect(functions.every((env) => env['CALLBACK_INDEX_SHARDS'] === '64')).toBe(true);
    expect(() => userApp({ callbackIndexShards: 0 })).toThrow(/callbackIndexShards must be a whole number from 1 to 256/);
  });

  it('gives a .waitForTaskToken task with timeouts and a Retry that never repeats InvalidInput or RunPodRejected', () => {
    const [machine] = Object.values(workflow.findResources('AWS::StepFunctions::StateMachine'));
    const definition = JSON.stringify(machine!['Properties']['DefinitionString']);
    const asl = JSON.parse(
      (machine!['Properties']['DefinitionString']['Fn::Join'][1] as unknown[]).map((p) =>
        typeof p === 'string' ? p : JSON.stringify(p).includes('AWS::Partition') ? 'aws' : 'arn:aws:lambda:us-east-1:123456789012:function:submit',).join(''),
    );
    const validated = aslValidator(asl);
    expect(validated.isValid, validated.errorsText()).toBe(true);
    const state = asl.States.Upscale;
    expect(definition).toContain('lambda:invoke.waitForTaskToken');
    expect(state).toMatchObject({ TimeoutSeconds: 3600, HeartbeatSeconds: 900 });
    expect(state.Parameters.Payload).toMatchObject({ 'task_token.$': '$$.Task.Token', 'exec_id.$': '$$.Execution.Id' });
    expect(state.Retry[0]).toEqual({ ErrorEquals: ['InvalidInput', 'RunPodRejected'], MaxAttempts: 0 });
    expect(state.Retry[1].ErrorEquals).toContain('Lambda.TooManyRequestsException');
  });

  it('lets the webhook, redrive and reconciler resume that machine, from the machine\'s stack (no dependency cycle)', () => {
    const policies = Object.values(workflow.findResources('AWS::IAM::Policy')).map((p) => p['Properties']);
    const machineId = Object.keys(workflow.findResources('AWS::StepFunctions::StateMachine'))[0];
    const resume = policies.find((p) => JSON.stringify(p.PolicyDocument).includes('states:SendTaskSuccess'));
    expect(resume.PolicyDocument.Statement).toEqual([
      { Action: ['states:SendTaskSuccess', 'states:SendTaskFailure'], Effect: 'Allow', Resource: { Ref: machineId } },
    ]);
    expect(JSON.stringify(resume.Roles)).toMatch(/Webhook.*Redrive.*Reconcile/);
    const heartbeat = policies.find((p) => JSON.stringify(p.PolicyDocument).includes('states:SendTaskHeartbeat'));
    expect(JSON.stringify(heartbeat.Roles)).toMatch(/^\[[^,]*Reconcile[^,]*\]$/);
    expect(Object.keys(callbacks.findResources('AWS::IAM::Policy')).some((id) => id.startsWith('BatonResume'))).toBe(false);
  });

  it('presigns with the seed\'s Lambda when given one: invoke that function, no S3 grants', () => {
    const { callbacks: t } = userApp({ presign: true });
    const policies = JSON.stringify(t.findResources('AWS::IAM::Policy'));
    expect(policies).toContain('function:presign');
    expect(policies).not.toContain('s3:');
    t.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { PRESIGN_LAMBDA_ARN: 'arn:aws:lambda:us-east-1:123456789012:function:presign' } } });
  });
});
