/**
 * `npm run bench:fuzz`: the fuzz suite's events outside the test runner, with what each handler
 * answered — to see that the generated events reach past the first checks (accepted work, not
 * only 400s) and how long the suite's volume takes. Same generators and seeds as
 * test/fuzz/handlers.fuzz.test.ts.
 */
import fc from 'fast-check';
import { fuzzedSystems } from '../test/fuzz/fuzzedSystems.js';
import { eventsFor } from '../test/fuzz/hostileEvents.js';
import { outcomeOf, violation, type Outcome } from '../test/fuzz/verdict.js';

const RUNS = Number(process.argv[2] ?? 700);
const SEED = 12;

function bucket(outcome: Outcome): string {
  if (outcome.kind === 'threw') return outcome.error instanceof Error ? outcome.error.name : 'thrown';
  const v = outcome.value as Record<string, unknown> | undefined;
  if (v && typeof v === 'object' && 'statusCode' in v) return `${String(v['statusCode']).slice(0, 1)}xx`;
  if (v && typeof v === 'object' && 'batchItemFailures' in v) {
    return (v['batchItemFailures'] as unknown[]).length === 0 ? 'batch ok' : 'batch with failures';
  }
  return 'returned';
}

const world = fuzzedSystems();
await world.plantWaitingCallback();
const rows: string[] = [];
let total = 0;
let problems = 0;
const started = performance.now();
for (const [i, handler] of world.handlers.entries()) {
  const events = fc.sample(eventsFor(handler.name, handler.trigger), { numRuns: RUNS, seed: SEED + i });
  const counts = new Map<string, number>();
  const t0 = performance.now();
  for (const event of events) {
    const outcome = await outcomeOf(() => handler.handle(event));
    if (violation(handler.trigger, event, outcome)) problems += 1;
    const b = bucket(outcome);
    counts.set(b, (counts.get(b) ?? 0) + 1);
  }
  total += events.length;
  const ms = performance.now() - t0;
  const spread = [...counts].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ');
  rows.push(`| ${handler.name} | ${events.length} | ${ms.toFixed(0)} ms | ${spread} |`);
}
const wall = (performance.now() - started) / 1000;
const longest = Math.max(...world.log.records.map((r) => JSON.stringify(r).length));
console.log('| handler | events | time | answers |\n| --- | ---: | ---: | --- |');
console.log(rows.join('\n'));
console.log(`\n${total} events in ${wall.toFixed(1)} s (${Math.round(total / wall)}/s); ${problems} violations (5xx, crashes, leaks); ` +
  `${world.log.records.length} log records, longest ${longest} characters.`);
