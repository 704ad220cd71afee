import { describe, expect, it } from 'vitest';
import { isoSeconds } from '../../domain/shared/time.js';

describe('isoSeconds', () => {
  it('drops the milliseconds, for ordinary and extended years alike', () => {
    expect(isoSeconds(new Date('2026-01-06T12:00:00.123Z'))).toBe('2026-01-06T12:00:00Z');
    expect(isoSeconds(new Date('0001-01-01T00:00:00Z'))).toBe('0001-01-01T00:00:00Z');
    expect(isoSeconds(new Date(253402300800000))).toBe('+010000-01-01T00:00:00Z');
    expect(isoSeconds(new Date(-62198755200000))).toBe('-000001-01-01T00:00:00Z');
  });
});
