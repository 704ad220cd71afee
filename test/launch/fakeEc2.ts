import { createServer, type Server } from 'node:http';
import { InMemorySpotInstances } from '../../adapters/memory/InMemorySpotInstances.js';
import { listenOnLoopback } from '../support/listenOnLoopback.js';
import { asyncListener } from '../support/asyncListener.js';

export interface FakeEc2 {
  /** Set `AWS_ENDPOINT_URL_EC2` to this. */
  readonly endpoint: string;
  /** The engine behind it: refuse pools, read launched instances and their user-data. */
  readonly spot: InMemorySpotInstances;
  /** Every request's form parameters, in order. */
  readonly requests: Record<string, string>[];
  close(): Promise<void>;
}

function indexed(form: URLSearchParams, prefix: string): string[] {
  const values: string[] = [];
  for (let i = 1; form.has(`${prefix}.${i}`); i += 1) values.push(form.get(`${prefix}.${i}`)!);
  return values;
}

/**
 * EC2's `RunInstances` over the real wire protocol (EC2 query, XML answers), backed by the
 * in-memory Spot engine, so the built bundles run with their own bundled SDK.
 */
export async function startFakeEc2(): Promise<FakeEc2> {
  const spot = new InMemorySpotInstances();
  const requests: Record<string, string>[] = [];
  const server: Server = createServer(asyncListener(async (req, res) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    const form = new URLSearchParams(text);
    requests.push(Object.fromEntries(form));
    const xml = (status: number, body: string) => res.writeHead(status, { 'content-type': 'text/xml' }).end(body);
    if (form.get('Action') === 'DescribeInstances') {
      const filter = (name: string) => {
        for (let i = 1; form.has(`Filter.${i}.Name`); i += 1) if (form.get(`Filter.${i}.Name`) === name) return indexed(form, `Filter.${i}.Value`);
        return undefined;
      };
      const found = (await spot.findLaunched(filter('client-token') ?? []));
      const items = found
        ? `<item><reservationId>r-1</reservationId><instancesSet><item><instanceId>${found.instanceId}</instanceId><instanceType>${found.instanceType}</instanceType><spotInstanceRequestId>${found.spotRequestId}</spotInstanceRequestId><instanceState><code>16</code><name>running</name></instanceState></item></instancesSet></item>`
        : '';
      return xml(200, `<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><reservationSet>${items}</reservationSet></DescribeInstancesResponse>`);
    }
    if (form.get('Action') !== 'RunInstances') {
      return xml(400, `<Response><Errors><Error><Code>InvalidAction</Code><Message>${form.get('Action')}</Message></Error></Errors><RequestID>r</RequestID></Response>`);
    }
    const tags: { key: string; value: string }[] = [];
    for (let i = 1; form.has(`TagSpecification.1.Tag.${i}.Key`); i += 1) {
      tags.push({ key: form.get(`TagSpecification.1.Tag.${i}.Key`)!, value: form.get(`TagSpecification.1.Tag.${i}.Value`)! });
    }
    const result = await spot.launch({
      amiId: form.get('ImageId')!,
      instanceType: form.get('InstanceType')!,
      subnetId: form.get('SubnetId')!,
      securityGroupIds: indexed(form, 'SecurityGroupId'),
      iamInstanceProfile: form.get('IamInstanceProfile.Arn') ?? form.get('IamInstanceProfile.Name')!,
      userData: Buffer.from(form.get('UserData') ?? '', 'base64').toString('utf8'),
      tags,
      clientToken: form.get('ClientToken') ?? '',
    });
    if (result.isErr()) {
      return xml(400, `<Response><Errors><Error><Code>${result.error.code}</Code><Message>${result.error.message}</Message></Error></Errors><RequestID>r</RequestID></Response>`);
    }
    const i = result.value;
    return xml(
      200,
      `<RunInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><reservationId>r-1</reservationId><ownerId>123456789012</ownerId><instancesSet><item><instanceId>${i.instanceId}</instanceId><instanceType>${i.instanceType}</instanceType><spotInstanceRequestId>${i.spotRequestId}</spotInstanceRequestId><instanceLifecycle>spot</instanceLifecycle></item></instancesSet></RunInstancesResponse>`,
    );
  }));
  const local = await listenOnLoopback(server);
  return {
    endpoint: local.endpoint,
    spot,
    requests,
    close: local.close,
  };
}
