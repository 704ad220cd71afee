import fc from 'fast-check';
import { FAULT_LIMITS, type FaultRates } from './FaultRates.js';

/** Fault mixes with each rate anywhere in its documented range (FAULT_LIMITS), where every invariant is a guarantee. */
export const faultsWithinLimits: fc.Arbitrary<FaultRates> = fc.record(
  Object.fromEntries(Object.entries(FAULT_LIMITS).map(([name, max]) => [name, fc.double({ min: 0, max, noNaN: true })])) as {
    [K in keyof FaultRates]: fc.Arbitrary<number>;
  },
);
