/**
 * Captures the JSON log records a bundled handler writes (Powertools: INFO and below to
 * stdout, WARN and above to stderr) instead of echoing them into the test report; anything
 * else passes through. Call `restore()` in `afterAll`.
 */
export function captureHandlerLogs(): { readonly lines: string[]; text(): string; clear(): void; restore(): void } {
  const lines: string[] = [];
  const streams = [process.stdout, process.stderr] as const;
  const originals = streams.map((stream) => stream.write.bind(stream));
  streams.forEach((stream, i) => {
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = String(chunk);
      if (text.startsWith('{')) {
        lines.push(...text.split('\n').filter((line) => line !== ''));
        return true;
      }
      return originals[i]!(chunk as string, ...(rest as []));
    }) as typeof stream.write;
  });
  return {
    lines,
    text: () => lines.join('\n'),
    clear: () => void (lines.length = 0),
    restore: () => streams.forEach((stream, i) => (stream.write = originals[i]! as typeof stream.write)),
  };
}
