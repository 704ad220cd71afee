import { randomBytes, randomUUID } from 'node:crypto';
import { tokenFor } from './tokenFor.js';
import type { Ids } from '../../application/ports/Ids.js';

export class CryptoIds implements Ids {
  secretToken(): string {
    return randomBytes(32).toString('hex');
  }

  uuid(): string {
    return randomUUID();
  }

  tokenFor(...parts: readonly string[]): string {
    return tokenFor(...parts);
  }
}
