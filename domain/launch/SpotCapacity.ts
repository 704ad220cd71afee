import type { Placement } from './RenderLaunch.js';

/**
 * EC2 error codes meaning "no Spot capacity for this pool right now", where another instance
 * type or subnet may well succeed. Anything else (a bad AMI, a missing permission) is a fault
 * the next pool would hit too.
 */
export const CAPACITY_ERROR_CODES: readonly string[] = [
  'InsufficientInstanceCapacity',
  'InsufficientCapacity',
  'InsufficientHostCapacity',
  'SpotMaxPriceTooLow',
  'MaxSpotInstanceCountExceeded',
  'VcpuLimitExceeded',
  'InsufficientFreeAddressesInSubnet',
  'Unsupported',
];

export function isCapacityError(code: string): boolean {
  return CAPACITY_ERROR_CODES.includes(code);
}

/** One pool that had no capacity, as reported by EC2. */
export interface LaunchAttempt extends Placement {
  readonly code: string;
  readonly message: string;
}

/** Every configured pool was tried and none had capacity. */
export interface SpotCapacityExhausted {
  readonly type: 'SpotCapacityExhausted';
  readonly attempts: readonly LaunchAttempt[];
}

/** `c5.2xlarge@subnet-a: InsufficientInstanceCapacity; c6i.2xlarge@subnet-a: SpotMaxPriceTooLow` */
export function describeAttempts(attempts: readonly LaunchAttempt[]): string {
  return attempts.map((a) => `${a.instanceType}@${a.subnetId}: ${a.code}`).join('; ');
}
