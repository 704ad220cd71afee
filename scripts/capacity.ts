/**
 * `npm run capacity` prints the capacity model's tables (scripts/capacityModel.ts);
 * `npm run capacity -- --write` puts them into ARCHITECTURE.md between the capacity-model markers.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { renderCapacityModel, withCapacityModel } from './capacityModel.js';

const { values } = parseArgs({ options: { write: { type: 'boolean', default: false } } });
if (values.write) {
  const path = resolve(import.meta.dirname, '../ARCHITECTURE.md');
  writeFileSync(path, withCapacityModel(readFileSync(path, 'utf8')));
  process.stderr.write('ARCHITECTURE.md: capacity model rewritten\n');
} else {
  process.stdout.write(`${renderCapacityModel()}\n`);
}
