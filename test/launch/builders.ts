import type { WorkerCredential, WorkerLaunchSettings } from '../../domain/launch/RenderLaunch.js';

/** Launch settings for a role, with overrides. */
export function aLaunchSettings(overrides: Partial<WorkerLaunchSettings> = {}): WorkerLaunchSettings {
  return {
    role: 'renderer',
    amiId: 'ami-0123456789abcdef0',
    instanceTypes: ['c5.2xlarge'],
    subnetIds: ['subnet-aaaa'],
    securityGroupIds: ['sg-1111'],
    iamInstanceProfile: 'arn:aws:iam::123456789012:instance-profile/manga-worker',
    region: 'us-east-1',
    workDir: '/opt/manga-pipeline',
    shutdownWhenDone: true,
    ...overrides,
  };
}

export const CALLBACK_TOKEN = 'c'.repeat(64);

export function aCallbackCredential(overrides: Partial<{ callbackToken: string; callbackTableName: string }> = {}): WorkerCredential {
  return { kind: 'callback', callbackToken: CALLBACK_TOKEN, callbackTableName: 'baton-callbacks', ...overrides };
}
