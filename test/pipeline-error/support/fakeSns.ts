import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { listenOnLoopback } from '../../support/listenOnLoopback.js';
import { asyncListener } from '../../support/asyncListener.js';

export interface FakeSns {
  /** Set `AWS_ENDPOINT_URL_SNS` to this. */
  readonly endpoint: string;
  /** Every Publish that reached the server. */
  readonly published: { TopicArn: string; Subject: string; Message: string }[];
  /** Refuses the next `count` Publish calls as SNS does a caller without sns:Publish (403 AuthorizationError). */
  failNext(count?: number): void;
  close(): Promise<void>;
}

/** SNS Publish over its wire protocol (awsQuery: form-encoded in, XML out), for e2e tests of bundles. */
export async function startFakeSns(): Promise<FakeSns> {
  const published: FakeSns['published'] = [];
  let failures = 0;
  const server: Server = createServer(asyncListener(async (req, res) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    const form = new URLSearchParams(text);
    if (form.get('Action') !== 'Publish') {
      res.writeHead(400, { 'content-type': 'text/xml' }).end('<ErrorResponse><Error><Code>InvalidAction</Code></Error></ErrorResponse>');
      return;
    }
    if (failures > 0) {
      failures -= 1;
      res
        .writeHead(403, { 'content-type': 'text/xml' })
        .end(
          `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>AuthorizationError</Code><Message>not authorized to perform: SNS:Publish</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
        );
      return;
    }
    published.push({ TopicArn: form.get('TopicArn') ?? '', Subject: form.get('Subject') ?? '', Message: form.get('Message') ?? '' });
    res
      .writeHead(200, { 'content-type': 'text/xml' })
      .end(
        `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${randomUUID()}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
      );
  }));
  const local = await listenOnLoopback(server);
  return {
    endpoint: local.endpoint,
    published,
    failNext: (count = 1) => {
      failures += count;
    },
    close: local.close,
  };
}
