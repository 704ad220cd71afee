/** Where jobs run, and how long their records and launch leases last; from the handler's configuration. */
export interface DispatchSettings {
  readonly taskDefinition: string;
  readonly containerName: string;
  /** Torrent and magnet sources go here; unset, they are refused. */
  readonly transmissionTaskDefinition?: string;
  /** The Transmission task's container; defaults to `containerName`. */
  readonly transmissionContainerName?: string;
  readonly bucket: string;
  readonly ttlDays: number;
  /** How long one delivery holds the right to launch; longer than the function's timeout. */
  readonly leaseSeconds: number;
}
