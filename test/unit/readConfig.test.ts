import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  httpUrl,
  optionalString,
  positiveInt,
  readConfig,
  requiredString,
} from '../../entrypoints/config/readConfig.js';

const schema = v.object({
  TABLE: requiredString,
  BASE_URL: httpUrl,
  QUOTA: v.optional(positiveInt, '10'),
  BUCKET: optionalString,
});

describe('readConfig', () => {
  it('returns a frozen typed object with defaults applied', () => {
    const config = readConfig('h', { TABLE: 't', BASE_URL: 'https://x.test/webhook/', BUCKET: '' }, schema);

    expect(config).toEqual({ TABLE: 't', BASE_URL: 'https://x.test/webhook/', QUOTA: 10, BUCKET: undefined });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names every missing and malformed variable in one message', () => {
    const read = () => readConfig('submit-runpod-job', { TABLE: '  ', BASE_URL: 'ftp://x', QUOTA: 'ten' }, schema);

    expect(read).toThrow(ConfigurationError);
    expect(read).toThrow(/^submit-runpod-job: invalid configuration: /);
    try {
      read();
    } catch (error) {
      const problems = (error as ConfigurationError).problems.join('\n');
      expect(problems).toMatch(/TABLE must not be blank/);
      expect(problems).toMatch(/BASE_URL must be an http\(s\) URL/);
      expect(problems).toMatch(/QUOTA must be a positive integer/);
    }
  });

  it('reports a variable that is absent as required', () => {
    expect(() => readConfig('h', { BASE_URL: 'https://x.test' }, schema)).toThrow(/TABLE is required/);
  });
});
