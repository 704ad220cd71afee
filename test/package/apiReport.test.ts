import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiReports, reportFile } from '../../scripts/api-report.js';

const ROOT = resolve(import.meta.dirname, '../..');
const reports = [...apiReports()].map(([entry, text]) => [entry.specifier, text] as const);

describe('API report (api/*.api.md): the public surface as committed', () => {
  it.each(reports)('%s matches its committed report', (specifier, text) => {
    const file = reportFile(specifier);
    const committed = existsSync(file) ? readFileSync(file, 'utf8') : '';

    expect(
      committed,
      `The public surface of ${specifier} changed (or ${relative(ROOT, file)} is missing): run npm run api:report and commit the diff.`,
    ).toBe(text);
  });
});
