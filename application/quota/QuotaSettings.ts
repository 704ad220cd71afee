/** The quota a pipeline runs under, from configuration. */
export interface QuotaSettings {
  /** Jobs allowed per UTC day (`DAILY_QUOTA`, default 10); a whole number ≥ 1. */
  readonly dailyQuota: number;
}
