/** One line of an item's story, as the dev console shows it. */
export interface HistoryEntry {
  /** ISO time the store was written (or refused the write). */
  readonly at: string;
  /** `status`: the status changed; `lease`: the redrive took the item; `refused`: a conditional write lost; `note`: anything else. */
  readonly kind: 'status' | 'lease' | 'refused' | 'note';
  /** The item's status after the event. */
  readonly status: string;
  readonly note: string;
}

/**
 * Per-item histories, in order of each item's first event. Only the dev server records them:
 * the stores keep the current item, as DynamoDB does, and this is what a person asks next
 * ("how did it get here?").
 */
export class History {
  private readonly entries = new Map<string, HistoryEntry[]>();

  add(id: string, entry: HistoryEntry): void {
    let list = this.entries.get(id);
    if (!list) this.entries.set(id, (list = []));
    list.push(entry);
  }

  of(id: string): readonly HistoryEntry[] {
    return this.entries.get(id) ?? [];
  }

  ids(): string[] {
    return [...this.entries.keys()];
  }
}
