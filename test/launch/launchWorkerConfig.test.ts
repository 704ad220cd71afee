import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../entrypoints/config/readConfig.js';
import { readLaunchWorkerConfig } from '../../entrypoints/handlers/launchWorkerConfig.js';

const rendererEnv = {
  RENDERER_AMI_ID: 'ami-0123456789abcdef0',
  RENDERER_SECURITY_GROUP_ID: 'sg-1111',
  RENDERER_SUBNET_ID: 'subnet-aaaa',
  RENDERER_IAM_INSTANCE_PROFILE: 'arn:aws:iam::123456789012:instance-profile/manga-worker',
  CALLBACK_TABLE_NAME: 'baton-callbacks',
  AWS_REGION: 'eu-west-1',
};

describe('start-renderer / start-uploader configuration', () => {
  it('applies the seed defaults', () => {
    const config = readLaunchWorkerConfig('renderer', rendererEnv);
    expect(config.settings).toEqual({
      role: 'renderer',
      amiId: 'ami-0123456789abcdef0',
      instanceTypes: ['c5.2xlarge'],
      subnetIds: ['subnet-aaaa'],
      securityGroupIds: ['sg-1111'],
      iamInstanceProfile: 'arn:aws:iam::123456789012:instance-profile/manga-worker',
      region: 'eu-west-1',
      workDir: '/opt/manga-pipeline',
      shutdownWhenDone: true,
      callbackIndexShards: 32,
    });
    expect(config.callbackTableName).toBe('baton-callbacks');
  });

  it('hands CALLBACK_INDEX_SHARDS to the worker (it writes the redrive key), and refuses one outside 1..256', () => {
    expect(readLaunchWorkerConfig('renderer', { ...rendererEnv, CALLBACK_INDEX_SHARDS: '64' }).settings.callbackIndexShards).toBe(64);
    expect(readLaunchWorkerConfig('renderer', { ...rendererEnv, WORKER_TASK_TOKEN_IN_USER_DATA: 'true' }).settings.callbackIndexShards).toBeUndefined();
    for (const bad of ['0', '257', '1.5', 'many']) {
      expect(() => readLaunchWorkerConfig('renderer', { ...rendererEnv, CALLBACK_INDEX_SHARDS: bad })).toThrow(
        /CALLBACK_INDEX_SHARDS must be a whole number from 1 to 256/,
      );
    }
  });

  it('the uploader defaults to t3.medium and reads UPLOADER_* only', () => {
    const env = Object.fromEntries(Object.entries(rendererEnv).map(([k, val]) => [k.replace('RENDERER_', 'UPLOADER_'), val]));
    expect(readLaunchWorkerConfig('uploader', env).settings.instanceTypes).toEqual(['t3.medium']);
    expect(() => readLaunchWorkerConfig('uploader', rendererEnv)).toThrow(ConfigurationError);
  });

  it('reads the worker command and the pip requirement of Baton\'s Python client', () => {
    const config = readLaunchWorkerConfig('renderer', {
      ...rendererEnv,
      WORKER_COMMAND: ' python -m src.renderer.main --fast ',
      WORKER_PYTHON_PACKAGE: 'baton-worker @ git+https://github.com/acme/baton@v0.1.0#subdirectory=workers/python',
    });
    expect(config.settings).toMatchObject({
      command: 'python -m src.renderer.main --fast',
      pythonPackage: 'baton-worker @ git+https://github.com/acme/baton@v0.1.0#subdirectory=workers/python',
    });
  });

  it('reads ordered lists of instance types and subnets', () => {
    const config = readLaunchWorkerConfig('renderer', {
      ...rendererEnv,
      RENDERER_INSTANCE_TYPE: 'c5.2xlarge, c6i.2xlarge,c5a.2xlarge',
      RENDERER_SUBNET_ID: 'subnet-aaaa,subnet-bbbb',
    });
    expect(config.settings.instanceTypes).toEqual(['c5.2xlarge', 'c6i.2xlarge', 'c5a.2xlarge']);
    expect(config.settings.subnetIds).toEqual(['subnet-aaaa', 'subnet-bbbb']);
  });

  it('names every missing or malformed variable in one error', () => {
    expect(() => readLaunchWorkerConfig('renderer', { RENDERER_AMI_ID: 'ubuntu', RENDERER_INSTANCE_TYPE: 'big' })).toThrow(
      'start-renderer: invalid configuration: RENDERER_AMI_ID must be an AMI id (ami-…); RENDERER_INSTANCE_TYPE must be a comma-separated list of instance types; RENDERER_SECURITY_GROUP_ID is required; RENDERER_SUBNET_ID is required; RENDERER_IAM_INSTANCE_PROFILE is required',
    );
  });

  it('needs the callbacks table unless the task token is opted into user-data', () => {
    const { CALLBACK_TABLE_NAME: _, ...withoutTable } = rendererEnv;
    expect(() => readLaunchWorkerConfig('renderer', withoutTable)).toThrow(
      'CALLBACK_TABLE_NAME is required (unless WORKER_TASK_TOKEN_IN_USER_DATA=true)',
    );
    const optIn = readLaunchWorkerConfig('renderer', { ...withoutTable, WORKER_TASK_TOKEN_IN_USER_DATA: 'true' });
    expect(optIn.callbackTableName).toBeUndefined();
  });

  it('reads the worker bootstrap settings', () => {
    const config = readLaunchWorkerConfig('renderer', {
      ...rendererEnv,
      WORKER_REPOSITORY_URL: 'https://github.com/acme/manga.git',
      WORKER_REPOSITORY_REF: 'main',
      WORKER_WORK_DIR: '/srv/app',
      WORKER_SHUTDOWN_WHEN_DONE: 'false',
    });
    expect(config.settings).toMatchObject({
      repositoryUrl: 'https://github.com/acme/manga.git',
      repositoryRef: 'main',
      workDir: '/srv/app',
      shutdownWhenDone: false,
    });
  });
});
