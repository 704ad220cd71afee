import { EC2Client } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import type { SpotInstances, SpotLaunchRequest } from '../../application/ports/SpotInstances.js';
import { Ec2SpotInstances } from '../../adapters/ec2/Ec2SpotInstances.js';
import { InMemorySpotInstances } from '../../adapters/memory/InMemorySpotInstances.js';
import { CAPACITY_ERROR_CODES } from '../../domain/launch/SpotCapacity.js';
import { LOCAL_AWS } from '../support/dynamoDbLocal.js';
import { startFakeEc2 } from './fakeEc2.js';

interface Harness {
  readonly spot: SpotInstances;
  /** The engine behind the adapter: refuse pools, read what was launched. */
  readonly engine: InMemorySpotInstances;
  /** The next launch into FAULTY_SUBNET fails with an EC2 fault that is not about capacity. */
  faultNext(code: string): void;
  close(): Promise<void>;
}

const FAULTY_SUBNET = 'subnet-faulty';

let tokens = 0;
function aRequest(overrides: Partial<SpotLaunchRequest> = {}): SpotLaunchRequest {
  tokens += 1;
  return {
    amiId: 'ami-0123456789abcdef0',
    instanceType: 'c5.2xlarge',
    subnetId: 'subnet-a',
    securityGroupIds: ['sg-1111', 'sg-2222'],
    iamInstanceProfile: 'arn:aws:iam::123456789012:instance-profile/manga-worker',
    userData: "#!/bin/bash\nexport JOB_ID='job-abc123'\necho 'héllo ✓' > /tmp/x\n",
    tags: [
      { key: 'baton:job-id', value: 'job-abc123' },
      { key: 'baton:role', value: 'renderer' },
    ],
    clientToken: `00000000-0000-4000-8000-${tokens.toString().padStart(12, '0')}`,
    ...overrides,
  };
}

const harnesses: [string, () => Promise<Harness>][] = [
  [
    'InMemorySpotInstances',
    async () => {
      const engine = new InMemorySpotInstances();
      return {
        spot: engine,
        engine,
        faultNext: (code) => void engine.failNextWith(Object.assign(new Error(`${code} (test)`), { name: code })),
        close: async () => {},
      };
    },
  ],
  [
    'Ec2SpotInstances (SDK over the wire to a local EC2)',
    async () => {
      const server = await startFakeEc2();
      return {
        spot: new Ec2SpotInstances(new EC2Client({ ...LOCAL_AWS, endpoint: server.endpoint, maxAttempts: 1 })),
        engine: server.spot,
        // The fake answers its engine's refusals as EC2 errors with that code; a code that is
        // not about capacity makes the fault.
        faultNext: (code) => void server.spot.refuse({ subnetId: FAULTY_SUBNET }, code),
        close: () => server.close(),
      };
    },
  ],
];

describe.each(harnesses)('SpotInstances contract: %s', (_name, make) => {
  let h: Harness;
  afterEach(() => h.close());

  it('launches one Spot instance and returns its id, type and Spot request id', async () => {
    h = await make();
    const request = aRequest({ instanceType: 'c6i.2xlarge' });

    const launched = (await h.spot.launch(request))._unsafeUnwrap();

    expect(launched).toEqual({
      instanceId: expect.stringMatching(/^i-[0-9a-f]{8,17}$/),
      instanceType: 'c6i.2xlarge',
      spotRequestId: expect.stringMatching(/^sir-[0-9a-z]{8}$/),
    });
    expect(h.engine.instances.map((i) => i.instance)).toEqual([launched]);
  });

  it('launches with the request as given: AMI, pool, groups, profile, user-data, tags, client token', async () => {
    h = await make();
    const request = aRequest();

    (await h.spot.launch(request))._unsafeUnwrap();

    expect(h.engine.instances.map((i) => i.request)).toEqual([request]);
  });

  it('names an instance profile given by name', async () => {
    h = await make();

    (await h.spot.launch(aRequest({ iamInstanceProfile: 'manga-worker' })))._unsafeUnwrap();

    expect(h.engine.instances[0]!.request.iamInstanceProfile).toBe('manga-worker');
  });

  it('returns the same instance for the same client token, launching nothing more', async () => {
    h = await make();
    const request = aRequest();
    const first = await h.spot.launch(request);

    const again = await h.spot.launch({ ...request });

    expect(again).toEqual(first);
    expect(h.engine.instances).toHaveLength(1);
  });

  it('finds the instance launched with any of the given client tokens, and nothing for unknown ones', async () => {
    h = await make();
    const request = aRequest({ subnetId: 'subnet-b' });
    const launched = (await h.spot.launch(request))._unsafeUnwrap();

    const found = await h.spot.findLaunched(['never-used-token', request.clientToken]);
    const none = await h.spot.findLaunched(['never-used-token']);

    expect(found).toEqual(launched);
    expect(none).toBeUndefined();
  });

  it('launches a different instance for a different client token', async () => {
    h = await make();

    const a = (await h.spot.launch(aRequest()))._unsafeUnwrap();
    const b = (await h.spot.launch(aRequest()))._unsafeUnwrap();

    expect(a.instanceId).not.toBe(b.instanceId);
    expect(a.spotRequestId).not.toBe(b.spotRequestId);
    expect(h.engine.instances).toHaveLength(2);
  });

  it.each(CAPACITY_ERROR_CODES)('reports a pool refused with %s as SpotCapacityUnavailable with that code; nothing launches', async (code) => {
    h = await make();
    h.engine.refuse({ instanceType: 'c5.2xlarge', subnetId: 'subnet-a' }, code);

    const refused = await h.spot.launch(aRequest());

    expect(refused.isErr()).toBe(true);
    expect(refused._unsafeUnwrapErr()).toMatchObject({ type: 'SpotCapacityUnavailable', code, message: expect.stringContaining(code) });
    expect(h.engine.instances).toHaveLength(0);
  });

  it('refuses only the pool that has no capacity: another subnet or instance type still launches', async () => {
    h = await make();
    h.engine.refuse({ instanceType: 'c5.2xlarge', subnetId: 'subnet-a' });

    const refused = await h.spot.launch(aRequest());
    const otherSubnet = await h.spot.launch(aRequest({ subnetId: 'subnet-b' }));
    const otherType = await h.spot.launch(aRequest({ instanceType: 'c6i.2xlarge' }));

    expect(refused.isErr() && refused.error.code).toBe('InsufficientInstanceCapacity');
    expect(otherSubnet.isOk() && otherSubnet.value.instanceType).toBe('c5.2xlarge');
    expect(otherType.isOk() && otherType.value.instanceType).toBe('c6i.2xlarge');
    expect(h.engine.instances.map((i) => `${i.request.instanceType}@${i.request.subnetId}`)).toEqual([
      'c5.2xlarge@subnet-b',
      'c6i.2xlarge@subnet-a',
    ]);
  });

  it('answers a repeated client token with its instance even after the pool stopped having capacity', async () => {
    h = await make();
    const request = aRequest();
    const first = await h.spot.launch(request);
    h.engine.refuse({ instanceType: request.instanceType, subnetId: request.subnetId });

    const retried = await h.spot.launch(request);

    expect(retried).toEqual(first);
    expect(h.engine.instances).toHaveLength(1);
  });

  it('rejects on a fault that is not about capacity (a bad AMI), instead of returning a value', async () => {
    h = await make();
    h.faultNext('InvalidAMIID.NotFound');

    const launch = h.spot.launch(aRequest({ subnetId: FAULTY_SUBNET }));

    await expect(launch).rejects.toThrow(/InvalidAMIID\.NotFound/);
    expect(h.engine.instances).toHaveLength(0);
  });
});
