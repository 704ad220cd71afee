/** One route of the dev server, declared the way API Gateway declares it: `POST /webhook/{callback_token}`. */
export interface Route<H> {
  readonly routeKey: string;
  readonly handler: H;
}

export interface RouteMatch<H> {
  readonly route: Route<H>;
  readonly pathParameters: Record<string, string>;
}

/**
 * Finds the route for a method and path, extracting `{name}` parameters (URL-decoded).
 * Returns `'MethodNotAllowed'` when the path exists under another method.
 */
export function matchRoute<H>(routes: readonly Route<H>[], method: string, path: string): RouteMatch<H> | 'MethodNotAllowed' | undefined {
  const parts = path.split('/').filter(Boolean);
  let pathMatched = false;
  for (const route of routes) {
    const [routeMethod, template] = route.routeKey.split(' ') as [string, string];
    const expected = template.split('/').filter(Boolean);
    if (expected.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < expected.length; i++) {
      const want = expected[i]!;
      const got = parts[i]!;
      if (want.startsWith('{') && want.endsWith('}')) {
        try {
          params[want.slice(1, -1)] = decodeURIComponent(got);
        } catch {
          ok = false;
          break;
        }
      } else if (want !== got) {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    pathMatched = true;
    if (routeMethod === method) return { route, pathParameters: params };
  }
  return pathMatched ? 'MethodNotAllowed' : undefined;
}
