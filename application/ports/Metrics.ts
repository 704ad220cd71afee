/** Business counters (EMF in Lambda). Names are PascalCase nouns: `CallbacksAccepted`. */
export interface Metrics {
  count(name: string, value?: number): void;
}
