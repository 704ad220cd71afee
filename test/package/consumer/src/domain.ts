// baton/domain: the status machines as data, no adapters and no SDK.
import { JOB_TRANSITIONS, nextStatus, type JobStatus } from 'baton/domain';

export function main(): { from: JobStatus; start: string; reopen: string } {
  const start = nextStatus(JOB_TRANSITIONS, 'submitted', 'start'); // 'processing'
  const reopen = nextStatus(JOB_TRANSITIONS, 'completed', 'start'); // refused: a final status stays final
  return { from: 'submitted', start: String(start), reopen: typeof reopen === 'string' ? reopen : reopen.type };
}
