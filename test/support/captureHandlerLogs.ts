export interface HandlerLogs {
  /** Every JSON line written since the capture began (or since `clear()`). */
  readonly lines: string[];
  text(): string;
  /** The lines parsed: Powertools log records and EMF metric blobs. */
  records(): Record<string, unknown>[];
  clear(): void;
  restore(): void;
}

/**
 * Captures the JSON log records a bundled handler writes (Powertools: INFO and below to
 * stdout, WARN and above to stderr) instead of echoing them into the test report; anything
 * else passes through. Every test file already runs under one (see `handlerLogs()`).
 */
export function captureHandlerLogs(): HandlerLogs {
  const lines: string[] = [];
  const streams = [process.stdout, process.stderr] as const;
  const originals = streams.map((stream) => stream.write);
  streams.forEach((stream, i) => {
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = String(chunk);
      if (text.startsWith('{')) {
        lines.push(...text.split('\n').filter((line) => line !== ''));
        return true;
      }
      return originals[i]!.call(stream, chunk as string, ...(rest as []));
    }) as typeof stream.write;
  });
  return {
    lines,
    text: () => lines.join('\n'),
    records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    clear: () => void (lines.length = 0),
    restore: () => streams.forEach((stream, i) => (stream.write = originals[i]! as typeof stream.write)),
  };
}

let shared: HandlerLogs | undefined;

/**
 * The capture every test file runs under, installed by `handlerLogsSetup.ts` (a vitest
 * setupFile) before the file's own imports, so `npm test` prints results, not JSON lines.
 * Tests that assert on logs read it here.
 */
export function handlerLogs(): HandlerLogs {
  shared ??= captureHandlerLogs();
  return shared;
}
