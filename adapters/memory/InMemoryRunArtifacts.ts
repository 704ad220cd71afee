import { isRunFolder } from '../../application/cleanup/runPrefix.js';
import type { ArtifactDeletion, ArtifactNotDeleted, ArtifactPrefix, RunArtifacts } from '../../application/ports/RunArtifacts.js';

/**
 * A bucket of run artifacts in a Map (key → size), with the S3 adapter's semantics: keys
 * already gone are not counted, refused keys are reported and the rest still go. Refusals
 * are injected with {@link refuse}, as S3 does for a key under a deny policy or Object Lock.
 */
export class InMemoryRunArtifacts implements RunArtifacts {
  private readonly objects = new Map<string, number>();
  private readonly refusals = new Map<string, Omit<ArtifactNotDeleted, 'key'>>();
  readonly calls = { deleteUnder: 0 };

  /** Stores an object of `size` bytes. */
  put(key: string, size: number): this {
    this.objects.set(key, size);
    return this;
  }

  /** From now on, deleting `key` fails with this code (until {@link allow}). */
  refuse(key: string, code = 'AccessDenied', message = 'Access Denied'): this {
    this.refusals.set(key, { code, message });
    return this;
  }

  allow(key: string): this {
    this.refusals.delete(key);
    return this;
  }

  keys(): string[] {
    return [...this.objects.keys()].sort();
  }

  async deleteUnder(prefix: ArtifactPrefix): Promise<ArtifactDeletion> {
    this.calls.deleteUnder += 1;
    if (!isRunFolder(prefix)) throw new RangeError(`refusing to delete under ${JSON.stringify(prefix)}: not one run's folder`);
    let objectsDeleted = 0;
    let bytesFreed = 0;
    const failures: ArtifactNotDeleted[] = [];
    const under = [...this.objects].filter(([key]) => key.startsWith(prefix));
    for (const [key, size] of under.sort(([a], [b]) => (a < b ? -1 : 1))) {
      const refusal = this.refusals.get(key);
      if (refusal) {
        failures.push({ key, ...refusal });
        continue;
      }
      this.objects.delete(key);
      objectsDeleted += 1;
      bytesFreed += size;
    }
    return { objectsDeleted, bytesFreed, failures };
  }
}
