/** How often the simulated cloud misbehaves. Every rate is a probability in [0, 1]. */
export interface FaultRates {
  /** A webhook delivered twice, sometimes concurrently (RunPod redelivers slow answers). */
  readonly duplicate: number;
  /** A webhook delivered again, minutes to hours after the first. */
  readonly late: number;
  /** A webhook delivery lost; RunPod retries it (twice, 10 s apart). */
  readonly lost: number;
  /** The work itself fails (RunPod FAILED, a worker reports failure, an ECS task stops). */
  readonly jobFailure: number;
  /** Fraction of the busy period during which Step Functions is down, in outages of 1–10 minutes. */
  readonly sfnOutage: number;
  /** A handler crashes (throws) right before resuming Step Functions; the redrive recovers it. */
  readonly crash: number;
  /** A provider API (RunPod submit, ECS RunTask) fails even after the adapter's retries: the handler throws, Step Functions / SQS retry. */
  readonly providerDown: number;
  /** EC2 Spot / ECS capacity failure on a launch attempt. */
  readonly capacity: number;
  /** A Spot worker is reclaimed mid-job: its heartbeats stop and the task times out, then Retry launches another. */
  readonly interruption: number;
  /** SQS delivers a message a second time. */
  readonly redelivery: number;
  /** An execution is stopped (StopExecution) while its work still runs: the work must stop too. */
  readonly abort: number;
  /** Step Functions refuses a resume for good (a missing permission, a validation error): held, counted, not retried. */
  readonly refusal: number;
}

export const DEFAULT_FAULTS: FaultRates = {
  duplicate: 0.1,
  late: 0.05,
  lost: 0.1,
  jobFailure: 0.05,
  sfnOutage: 0.1,
  crash: 0.02,
  providerDown: 0.02,
  capacity: 0.2,
  interruption: 0.03,
  redelivery: 0.05,
  abort: 0.03,
  refusal: 0.005,
};

export const NO_FAULTS: FaultRates = {
  duplicate: 0,
  late: 0,
  lost: 0,
  jobFailure: 0,
  sfnOutage: 0,
  crash: 0,
  providerDown: 0,
  capacity: 0,
  interruption: 0,
  redelivery: 0,
  abort: 0,
  refusal: 0,
};

/**
 * The documented range of each rate: up to these, every invariant is a guarantee (the property
 * test draws only from here). Past them the simulated *clients* stop being realistic — an API
 * client retrying a 503 a dozen times, a processor crashing on most deliveries — and give up,
 * which no server-side design can prevent. The simulation still runs above them; the summary
 * then says which rates are out of range.
 */
export const FAULT_LIMITS: FaultRates = {
  duplicate: 0.2,
  late: 0.2,
  lost: 0.2,
  jobFailure: 0.2,
  // Outages are spread over the busy period: a third of the time down still ends.
  sfnOutage: 0.3,
  crash: 0.2,
  providerDown: 0.2,
  // Spot launches fall back over pools, ECS clients and queues retry: half of all placements may fail.
  capacity: 0.5,
  interruption: 0.2,
  redelivery: 0.2,
  abort: 0.2,
  refusal: 0.05,
};

/** The rates above their documented limit (see FAULT_LIMITS), by name. */
export function ratesBeyondLimits(faults: FaultRates): (keyof FaultRates)[] {
  return (Object.keys(FAULT_LIMITS) as (keyof FaultRates)[]).filter((k) => faults[k] > FAULT_LIMITS[k]);
}
