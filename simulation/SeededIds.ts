import { tokenFor } from '../adapters/system/tokenFor.js';
import type { Ids } from '../application/ports/Ids.js';
import type { Prng } from './Prng.js';

/** Ids drawn from the run's seeded generator: realistic-looking, and the same for the same seed. */
export class SeededIds implements Ids {
  constructor(private readonly prng: Prng) {}

  secretToken(): string {
    return this.prng.hex(32);
  }

  uuid(): string {
    const h = this.prng.hex(16);
    const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  tokenFor(...parts: readonly string[]): string {
    return tokenFor(...parts);
  }
}
