/** The current time. A port so tests and the simulation can run on virtual time. */
export interface Clock {
  now(): Date;
}
