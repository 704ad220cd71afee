import { createServer, type Server } from 'node:http';
import { listenOnLoopback } from '../support/listenOnLoopback.js';
import { asyncListener } from '../support/asyncListener.js';

export interface FakeEc2Workers {
  /** Set `AWS_ENDPOINT_URL_EC2` to this. */
  readonly endpoint: string;
  /** Instances it lists as running, with their tags. */
  readonly instances: { id: string; tags: Record<string, string>; running: boolean }[];
  readonly requests: Record<string, string>[];
  close(): Promise<void>;
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * EC2's `DescribeInstances` (tag-key, tag:<key> and instance-state-name filters) and
 * `TerminateInstances` over the real wire protocol (EC2 query, XML answers), for the bundles
 * that find and stop worker instances.
 */
export async function startFakeEc2Workers(): Promise<FakeEc2Workers> {
  const instances: FakeEc2Workers['instances'] = [];
  const requests: Record<string, string>[] = [];
  const server: Server = createServer(asyncListener(async (req, res) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    const form = new URLSearchParams(text);
    requests.push(Object.fromEntries(form));
    const xml = (body: string) => res.writeHead(200, { 'content-type': 'text/xml' }).end(body);
    if (form.get('Action') === 'TerminateInstances') {
      const ids = [...form.entries()].filter(([k]) => k.startsWith('InstanceId.')).map(([, v]) => v);
      for (const i of instances) if (ids.includes(i.id)) i.running = false;
      return xml(`<TerminateInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><instancesSet/></TerminateInstancesResponse>`);
    }
    const filters: { name: string; values: string[] }[] = [];
    for (let f = 1; form.has(`Filter.${f}.Name`); f += 1) {
      const values: string[] = [];
      for (let v = 1; form.has(`Filter.${f}.Value.${v}`); v += 1) values.push(form.get(`Filter.${f}.Value.${v}`)!);
      filters.push({ name: form.get(`Filter.${f}.Name`)!, values });
    }
    const matches = instances.filter(
      (i) =>
        i.running &&
        filters.every((f) =>
          f.name === 'tag-key'
            ? f.values.some((k) => k in i.tags)
            : f.name.startsWith('tag:')
              ? f.values.includes(i.tags[f.name.slice(4)] ?? '')
              : true,
        ),
    );
    const items = matches
      .map(
        (i) =>
          `<item><instanceId>${i.id}</instanceId><launchTime>2026-02-07T10:00:00.000Z</launchTime><tagSet>${Object.entries(i.tags)
            .map(([k, v]) => `<item><key>${escape(k)}</key><value>${escape(v)}</value></item>`)
            .join('')}</tagSet></item>`,
      )
      .join('');
    return xml(
      `<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><reservationSet><item><reservationId>r-1</reservationId><instancesSet>${items}</instancesSet></item></reservationSet></DescribeInstancesResponse>`,
    );
  }));
  const local = await listenOnLoopback(server);
  return {
    endpoint: local.endpoint,
    instances,
    requests,
    close: local.close,
  };
}
