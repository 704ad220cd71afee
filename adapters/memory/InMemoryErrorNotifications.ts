import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import type {
  ErrorNotifications,
  NotificationNotSent,
  PipelineErrorAlert,
} from '../../application/ports/ErrorNotifications.js';

/** Keeps alerts in an array; `failNext()` makes the next send fail. */
export class InMemoryErrorNotifications implements ErrorNotifications {
  readonly sent: PipelineErrorAlert[] = [];
  private failures = 0;

  notify(alert: PipelineErrorAlert): ResultAsync<void, NotificationNotSent> {
    if (this.failures > 0) {
      this.failures -= 1;
      return errAsync({ type: 'NotificationNotSent', cause: new Error('topic unavailable (simulated)') });
    }
    this.sent.push(alert);
    return okAsync(undefined);
  }

  failNext(count = 1): void {
    this.failures += count;
  }
}
