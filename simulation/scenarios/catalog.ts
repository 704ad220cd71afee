import type { ScenarioDefinition } from '../ScenarioDefinition.js';
import { ecsDispatch } from './ecsDispatch.js';
import { jobApi } from './jobApi.js';
import { mangaPipeline } from './mangaPipeline.js';
import { callbackLoad, upscaling } from './upscaling.js';

/**
 * Every scenario `npm start` can run, in the order they run. A system joins the catalogue
 * when its use-cases and handlers exist; the simulation never re-implements their logic.
 */
export const SCENARIOS: readonly ScenarioDefinition[] = [upscaling, jobApi, mangaPipeline, ecsDispatch];

/** Scenarios run only when named (`--scenario callback-load`): load runs, not part of `all`. */
const LOAD_SCENARIOS: readonly ScenarioDefinition[] = [callbackLoad];

/** The scenarios named, or all; an unknown name is an error listing the known ones. */
export function selectScenarios(names: readonly string[] | 'all'): ScenarioDefinition[] {
  if (names === 'all') return [...SCENARIOS];
  const known = [...SCENARIOS, ...LOAD_SCENARIOS];
  return names.map((name) => {
    const found = known.find((s) => s.name === name);
    if (!found) throw new Error(`unknown scenario "${name}"; known: ${known.map((s) => s.name).join(', ')}`);
    return found;
  });
}
