import type { CompleteCallback } from '../callbacks/CompleteCallback.js';
import type { CallbackMappings } from '../ports/CallbackMappings.js';

/**
 * How a worker reaches its waiting Step Functions task. `callback` (the default): through the
 * callbacks table, exactly as a webhook does, so a report is stored durably and resumed once.
 * `taskToken`: the task token came in user-data (opt-in), reports go straight to Step Functions.
 */
export type WorkerLink =
  | {
      readonly kind: 'callback';
      readonly callbackToken: string;
      readonly mappings: CallbackMappings;
      readonly complete: CompleteCallback;
    }
  | { readonly kind: 'taskToken'; readonly taskToken: string };
