import type { ScheduledEvent } from 'aws-lambda';

/** An EventBridge schedule's event, as the `callback-redrive` handler receives it. */
export function scheduledEvent(rule: string, now: Date, id: string): ScheduledEvent {
  return {
    version: '0',
    id,
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: 'us-east-1',
    resources: [`arn:aws:events:us-east-1:000000000000:rule/${rule}`],
    detail: {},
  };
}
