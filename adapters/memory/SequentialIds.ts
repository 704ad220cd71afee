import { tokenFor } from '../system/tokenFor.js';
import type { Ids } from '../../application/ports/Ids.js';

/** Deterministic ids: reproducible tests and seeded simulation runs. */
export class SequentialIds implements Ids {
  private next = 0;

  constructor(private readonly prefix = '') {}

  secretToken(): string {
    this.next += 1;
    return (this.prefix + this.next.toString(16)).padStart(64, '0').slice(-64);
  }

  uuid(): string {
    this.next += 1;
    const hex = this.next.toString(16).padStart(12, '0');
    return `00000000-0000-4000-8000-${hex}`;
  }

  tokenFor(...parts: readonly string[]): string {
    return tokenFor(...parts);
  }
}
