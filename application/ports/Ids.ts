/** Fresh identifiers. */
export interface Ids {
  /** 256 bits from a CSPRNG as 64 lowercase hex characters: a bearer credential. */
  secretToken(): string;
  /** A UUID v4. */
  uuid(): string;
}
