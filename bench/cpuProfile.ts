import { readFileSync } from 'node:fs';

/** V8's CPU profile, as `node --cpu-prof` and the inspector's `Profiler.stop` write it. */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  }[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface SelfTime {
  /** A package (`@aws-sdk/client-dynamodb`), `baton <dir>` for Baton's own code, `node` for built-ins, or V8's `(garbage collector)`. */
  readonly group: string;
  readonly fn: string;
  /** Microseconds. */
  readonly selfUs: number;
}

/**
 * Which source module each line of an unminified esbuild bundle came from: esbuild starts
 * every module with a `// path/of/module.js` comment line.
 */
export function bundleModules(bundleFile: string): (line: number) => { path: string; line: number } {
  const starts: { line: number; path: string }[] = [];
  readFileSync(bundleFile, 'utf8')
    .split('\n')
    .forEach((text, line) => {
      const m = /^\/\/ ((?:node_modules\/)?[\w@.+/-]+\.(?:[cm]?[jt]s|json))$/.exec(text);
      if (m) starts.push({ line, path: m[1]! });
    });
  return (line) => {
    let lo = 0;
    let hi = starts.length - 1;
    let found = { path: '', line: 0 };
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]!.line <= line) {
        found = starts[mid]!;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return { path: found.path, line: line - found.line };
  };
}

/** `node_modules/@smithy/core/dist-es/x.js` → `@smithy/core`; `adapters/logging/redact.ts` → `baton adapters/`; `bench/x.ts` → the design file. */
export function packageOf(modulePath: string): string {
  const at = modulePath.lastIndexOf('node_modules/');
  if (at >= 0) {
    const parts = modulePath.slice(at + 'node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  if (modulePath === '') return 'bundle (runtime helpers)';
  // The benchmark's plain designs (seed001Webhook.ts, safePlainWebhook.ts): their own code, not Baton's.
  if (modulePath.startsWith('bench/')) return 'the design file (bench/)';
  const dir = modulePath.includes('/') ? modulePath.slice(0, modulePath.indexOf('/')) : modulePath;
  return `baton ${dir}/`;
}

/**
 * Self time per function of a profile, each function put in its group: the package its
 * code came from when it is in `bundleFile`, else Node's built-ins, V8's own entries or the
 * benchmark's driver. `(idle)` is dropped: it is time spent waiting, not working.
 */
export function selfTimes(profile: CpuProfile, bundleFile: string): SelfTime[] {
  const moduleAt = bundleModules(bundleFile);
  const bundleUrl = `file://${bundleFile}`;
  const byNode = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i += 1) {
    // A sample's time is the interval until the next sample (as Chrome's profiler counts it).
    const us = profile.timeDeltas[i + 1] ?? 0;
    byNode.set(profile.samples[i]!, (byNode.get(profile.samples[i]!) ?? 0) + us);
  }
  const byFunction = new Map<string, SelfTime>();
  for (const node of profile.nodes) {
    const us = byNode.get(node.id);
    if (!us) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') continue;
    let group: string;
    let where: string;
    let line = lineNumber + 1;
    if (url === bundleUrl || url === bundleFile) {
      const module = moduleAt(lineNumber);
      group = packageOf(module.path);
      where = module.path.slice(module.path.lastIndexOf('/') + 1);
      line = module.line;
    } else if (url === '') {
      group = functionName.startsWith('(') ? functionName : 'V8 / native';
      where = '';
    } else if (url.startsWith('node:')) {
      group = 'node (built-ins)';
      where = url.slice('node:'.length);
    } else {
      group = 'benchmark driver';
      where = url.slice(url.lastIndexOf('/') + 1);
    }
    const fn = `${functionName || '(anonymous)'}${where ? ` ${where}:${line}` : ''}`;
    const key = `${group}\u0000${fn}`;
    const prior = byFunction.get(key);
    byFunction.set(key, { group, fn, selfUs: (prior?.selfUs ?? 0) + us });
  }
  return [...byFunction.values()].sort((a, b) => b.selfUs - a.selfUs);
}

/** Self time by group, largest first. */
export function byGroup(times: readonly SelfTime[]): Map<string, number> {
  const groups = new Map<string, number>();
  for (const t of times) groups.set(t.group, (groups.get(t.group) ?? 0) + t.selfUs);
  return new Map([...groups].sort((a, b) => b[1] - a[1]));
}
