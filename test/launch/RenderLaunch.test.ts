import { describe, expect, it } from 'vitest';
import { MAX_USER_DATA_BYTES, placements, planLaunch } from '../../domain/launch/RenderLaunch.js';
import { readWorkerEnvironment } from '../../domain/launch/userDataScript.js';
import { invalidInput } from '../../domain/shared/InvalidInput.js';
import { err } from 'neverthrow';
import { aCallbackCredential, aLaunchSettings, CALLBACK_TOKEN } from './builders.js';

describe('RenderLaunch', () => {
  it('tries every subnet of the preferred instance type before the next type', () => {
    expect(placements(['c5.2xlarge', 'c6i.2xlarge'], ['subnet-a', 'subnet-b'])).toEqual([
      { instanceType: 'c5.2xlarge', subnetId: 'subnet-a' },
      { instanceType: 'c5.2xlarge', subnetId: 'subnet-b' },
      { instanceType: 'c6i.2xlarge', subnetId: 'subnet-a' },
      { instanceType: 'c6i.2xlarge', subnetId: 'subnet-b' },
    ]);
  });

  it('tags the instance with the job id and the role', () => {
    const launch = planLaunch(aLaunchSettings({ role: 'uploader' }), 'job-abc123', aCallbackCredential())._unsafeUnwrap();
    expect(launch.tags).toEqual([
      { key: 'Name', value: 'baton-uploader-job-abc123' },
      { key: 'baton:job-id', value: 'job-abc123' },
      { key: 'baton:role', value: 'uploader' },
    ]);
  });

  it('by default gives the worker a callback token, never the task token', () => {
    const launch = planLaunch(aLaunchSettings(), 'job-abc123', aCallbackCredential())._unsafeUnwrap();
    expect(launch.userData).toContain(`export CALLBACK_TOKEN='${CALLBACK_TOKEN}'`);
    expect(launch.userData).toContain("export CALLBACK_TABLE_NAME='baton-callbacks'");
    expect(launch.userData).not.toContain('TASK_TOKEN');
  });

  it("passes the table's index shards with the callback token, so the worker's claim writes the redrive key every reader reads", () => {
    const launch = planLaunch(aLaunchSettings({ callbackIndexShards: 64 }), 'job-abc123', aCallbackCredential())._unsafeUnwrap();
    const taskToken = planLaunch(aLaunchSettings({ callbackIndexShards: 64 }), 'job-abc123', { kind: 'taskToken', taskToken: 'AQCE' })._unsafeUnwrap();

    expect(launch.userData).toContain("export CALLBACK_INDEX_SHARDS='64'");
    expect(taskToken.userData).not.toContain('CALLBACK_INDEX_SHARDS');
  });

  it('puts the task token in user-data only when asked to', () => {
    const launch = planLaunch(aLaunchSettings(), 'job-abc123', { kind: 'taskToken', taskToken: 'AQCEAAAAKgAAAA' })._unsafeUnwrap();
    expect(launch.userData).toContain("export TASK_TOKEN='AQCEAAAAKgAAAA'");
    expect(launch.userData).not.toContain('CALLBACK_TOKEN');
  });

  it.each([
    ['renderer', 'python -m src.renderer.main'],
    ['uploader', 'python -m src.uploader.main'],
  ] as const)('the %s script clones, installs and runs the seed\'s %s last', (role, command) => {
    const settings = aLaunchSettings({ role, repositoryUrl: 'https://github.com/acme/manga.git', repositoryRef: 'v1.2' });
    const script = planLaunch(settings, 'job-abc123', aCallbackCredential())._unsafeUnwrap().userData;
    const lines = script.trimEnd().split('\n');
    expect(lines[0]).toBe('#!/bin/bash');
    expect(lines).toContain('git clone --quiet --depth 1 --branch "$REPOSITORY_REF" -- "$REPOSITORY_URL" "$WORK_DIR"');
    expect(lines).toContain('if [ -f requirements.txt ]; then pip install --quiet -r requirements.txt; fi');
    expect(lines).toContain("trap 'shutdown -h now' EXIT");
    expect(readWorkerEnvironment(script).get('WORKER_COMMAND')).toBe(command);
    expect(lines.at(-1)).toBe('bash -c "$WORKER_COMMAND"');
    expect(script).not.toContain('WORKER_PYTHON_PACKAGE');
  });

  it('runs the configured command, after installing Baton\'s Python client into the venv', () => {
    const pkg = 'baton-worker @ https://artifacts.example.com/baton_worker-0.1.0-py3-none-any.whl';
    const settings = aLaunchSettings({ command: 'python -m app.render --gpu "0"', pythonPackage: pkg });
    const script = planLaunch(settings, 'job-abc123', aCallbackCredential())._unsafeUnwrap().userData;
    const lines = script.trimEnd().split('\n');
    const env = readWorkerEnvironment(script);
    expect(env.get('WORKER_COMMAND')).toBe('python -m app.render --gpu "0"');
    expect(env.get('WORKER_PYTHON_PACKAGE')).toBe(pkg);
    const venv = lines.indexOf('. .venv/bin/activate');
    expect(lines.slice(venv + 1)).toEqual([
      'pip install --quiet "$WORKER_PYTHON_PACKAGE"',
      'if [ -f requirements.txt ]; then pip install --quiet -r requirements.txt; fi',
      'bash -c "$WORKER_COMMAND"',
    ]);
  });

  it('without a repository, runs the code the AMI already holds', () => {
    const script = planLaunch(aLaunchSettings({ shutdownWhenDone: false }), 'job-1', aCallbackCredential())._unsafeUnwrap().userData;
    expect(script).not.toContain('git clone');
    expect(script).not.toContain('shutdown');
  });

  it('refuses NUL, which no shell variable can hold', () => {
    expect(planLaunch(aLaunchSettings(), 'job\u0000x', aCallbackCredential())).toEqual(
      err(invalidInput([{ field: 'JOB_ID', message: 'must not contain NUL characters' }])),
    );
  });

  it('refuses a script EC2 would refuse', () => {
    const r = planLaunch(aLaunchSettings(), 'j'.repeat(MAX_USER_DATA_BYTES), aCallbackCredential());
    expect(r.isErr() && r.error.issues[0]!.field).toBe('user_data');
  });
});
