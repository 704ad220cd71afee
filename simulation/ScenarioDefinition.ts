import type { Scenario } from './SystemReport.js';
import type { World } from './World.js';

/** A scenario the CLI can select by name. `weight` is its share of `--jobs` when several run together. */
export interface ScenarioDefinition {
  readonly name: string;
  readonly title: string;
  readonly weight: number;
  create(world: World, jobs: number): Scenario;
}
