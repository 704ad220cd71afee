import { afterAll, beforeEach } from 'vitest';
import { handlerLogs } from './captureHandlerLogs.js';

// Runs before every test file (vitest `setupFiles`): Lambda bundles under test log JSON
// straight to process.stdout / stderr, which would otherwise land between the test results.
const logs = handlerLogs();

// A failing test shows the handler logs it produced, where vitest reports its console output.
beforeEach(({ onTestFailed }) => {
  const from = logs.lines.length;
  onTestFailed(() => {
    const produced = logs.lines.slice(from);
    if (produced.length > 0) console.error(`handler logs during this test:\n${produced.join('\n')}`);
  });
});

afterAll(() => logs.restore());
