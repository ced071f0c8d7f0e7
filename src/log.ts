/**
 * User-facing progress: one line per step on stderr, with what it acted on and
 * how long it took. stdout stays free for data (--json, task graphs).
 */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  /** Runs one step and prints `<label> (<ms> ms)` when it ends, or `<label> failed (<ms> ms)`. */
  step<T>(label: string, work: () => Promise<T>, describe?: (result: T) => string): Promise<T>;
}

/** `1 package`, `2 packages`: counts in log lines read as sentences. */
export function counted(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function createLogger(write: (line: string) => void = (line) => process.stderr.write(`${line}\n`), prefix = ''): Logger {
  return {
    info: (message) => write(`${prefix}${message}`),
    warn: (message) => write(`${prefix}warning: ${message}`),
    async step(label, work, describe) {
      const started = performance.now();
      try {
        const result = await work();
        const detail = describe ? `: ${describe(result)}` : '';
        write(`${prefix}${label}${detail} (${formatDuration(performance.now() - started)})`);
        return result;
      } catch (error) {
        write(`${prefix}${label} failed (${formatDuration(performance.now() - started)})`);
        throw error;
      }
    },
  };
}

/** A logger that drops everything, for library callers and tests. */
export const silentLogger: Logger = createLogger(() => {});
