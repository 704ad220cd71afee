import type { ContainerModule, ServiceIdentifier } from 'inversify';
import type * as v from 'valibot';
import { readConfig } from '../config/readConfig.js';
import { newContainer } from '../container/newContainer.js';
import { systemPlatformModule } from '../container/systemPlatform.js';
import { lambdaPlatform, type LambdaHandler } from './lambdaPlatform.js';

export type Environment = Readonly<Record<string, string | undefined>>;

/** A configuration names its log level `LOG_LEVEL`, as every handler's environment does. */
export interface LambdaConfig {
  readonly LOG_LEVEL: string;
}

/** Resolves a binding of the function's container. */
export type Resolve = <T>(id: ServiceIdentifier<T>) => T;

export interface LambdaDefinition<C extends LambdaConfig, E, R> {
  /** `runpod-webhook`: the service in every log record and metric (`baton-runpod-webhook`), and the start of a configuration error. */
  readonly name: string;
  /**
   * The environment: a valibot object schema (read by `readConfig`: one `ConfigurationError`
   * naming every missing or malformed variable), or a reader that throws one.
   */
  readonly config: v.GenericSchema<Environment, C> | ((env: Environment) => C);
  /** The container modules that bind what `handler` resolves. The platform (clock, ids, log, metrics) is bound already. */
  readonly modules: (config: C) => readonly ContainerModule[];
  /** The handler, made once from the container: event → use-case input, result → response. */
  readonly handler: (resolve: Resolve, config: C) => LambdaHandler<E, R>;
  /** A caller that gives up sooner than the function's timeout: `API_GATEWAY_TIMEOUT_MS`. */
  readonly budgetCapMs?: number;
  /** Read instead of `process.env` (tests). */
  readonly env?: Environment;
}

/**
 * A Lambda entry file in one call, all of it at cold start, once per container: the
 * configuration read and checked, the container loaded, the handler resolved and wrapped in
 * Powertools' handler wrapper (see {@link lambdaPlatform}).
 *
 * @example
 * export const handler = defineLambda({
 *   name: 'runpod-webhook',
 *   config: v.object({ CALLBACK_TABLE_NAME: requiredString, LOG_LEVEL: logLevel }),
 *   modules: (config) => [awsCallbacksModule({ callbackTableName: config.CALLBACK_TABLE_NAME }), callbackUseCasesModule()],
 *   handler: (resolve) => runPodWebhookHandler(resolve(Callbacks.HandleRunPodWebhook), resolve(Platform.Log)),
 *   budgetCapMs: API_GATEWAY_TIMEOUT_MS,
 * });
 */
export function defineLambda<C extends LambdaConfig, E, R>(definition: LambdaDefinition<C, E, R>): LambdaHandler<E, R> {
  const env = definition.env ?? process.env;
  const config =
    typeof definition.config === 'function' ? definition.config(env) : readConfig(definition.name, env, definition.config);
  const platform = lambdaPlatform(definition.name, config.LOG_LEVEL);
  const container = newContainer();
  container.load(systemPlatformModule(platform), ...definition.modules(config));
  const handler = definition.handler((id) => container.get(id), config);
  return platform.wrap(handler, definition.budgetCapMs === undefined ? {} : { budgetCapMs: definition.budgetCapMs });
}
