import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Clock } from '../../application/ports/Clock.js';
import type { Ids } from '../../application/ports/Ids.js';
import type { Log } from '../../application/ports/Log.js';
import type { InMemoryMetrics } from '../../adapters/memory/InMemoryMetrics.js';
import type { HttpResponse } from '../../entrypoints/http/apiGateway.js';
import type { Route } from './matchRoute.js';

/** What the dev server hands a route: an HTTP API (v2) event, as API Gateway would. */
export type HttpHandler = (event: APIGatewayProxyEventV2) => Promise<HttpResponse>;

export type DevRoute = Route<HttpHandler>;

/** Shared by the route groups of one dev server. */
export interface DevContext {
  /** `http://127.0.0.1:3000`: webhook URLs and links in answers point here. */
  readonly baseUrl: string;
  readonly clock: Clock;
  readonly ids: Ids;
  readonly log: Log;
  readonly metrics: InMemoryMetrics;
  /** Something changed outside a request (a timer fired): live views should look again. */
  changed(): void;
}

/** A group of routes (one system) and what it needs stopped on shutdown. */
export interface DevRoutes {
  readonly name: string;
  readonly routes: readonly DevRoute[];
  /** Work the group runs on a timer (the redrive schedule). */
  tick?(): Promise<void>;
  /** What the group holds now, as JSON for `GET /dev/state` (the dev console); keyed by the group's name there. */
  state?(): Promise<unknown>;
  close?(): Promise<void>;
}
