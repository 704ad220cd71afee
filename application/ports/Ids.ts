/** Fresh identifiers, and tokens derived from what identifies a piece of work. */
export interface Ids {
  /** 256 bits from a CSPRNG as 64 lowercase hex characters: a bearer credential. */
  secretToken(): string;
  /** A UUID v4. */
  uuid(): string;
  /**
   * 64 lowercase hex characters, the SHA-256 of `parts` (unambiguously joined): the same
   * parts always give the same token, so a retried call finds what the first one made.
   */
  tokenFor(...parts: readonly string[]): string;
}
