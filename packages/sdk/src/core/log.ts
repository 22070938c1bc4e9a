// Logging goes through the user's logger (default: console) at or above `logLevel` (default
// 'warn'). Lines name the method, path and status, never headers or bodies, so neither the API
// key nor a token can reach a log.
export type LogLevel = 'off' | 'error' | 'warn' | 'info' | 'debug';

export interface Logger {
  error(message: string, ...rest: unknown[]): void;
  warn(message: string, ...rest: unknown[]): void;
  info(message: string, ...rest: unknown[]): void;
  debug(message: string, ...rest: unknown[]): void;
}

const LEVELS: Record<LogLevel, number> = { off: 0, error: 1, warn: 2, info: 3, debug: 4 };
const noop = () => {};

export function makeLog(logger: Logger | undefined, level: LogLevel | undefined) {
  const target = logger ?? console;
  const at = LEVELS[level ?? 'warn'] ?? LEVELS.warn;
  const make = (name: keyof Logger, n: number) =>
    at >= n ? (message: string) => target[name](`[agenttrustid] ${message}`) : noop;
  return { error: make('error', 1), warn: make('warn', 2), info: make('info', 3), debug: make('debug', 4) };
}
