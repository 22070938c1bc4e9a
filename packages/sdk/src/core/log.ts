// The SDK's log. Its level is the `logLevel` option, else the AGENTTRUST_LOG environment variable,
// else `warn` when a `logger` is given and `off` when not. Lines go to the user's `logger`
// (prefixed `[agenttrustid]`), or, with none, to stderr (console.error) as
// `agenttrustid <level> <message>`. Lines name methods, paths, statuses, codes and request ids:
// never a header value (X-API-Key, Authorization, DPoP, Cookie), a token, a key or a body.
import { ConfigurationError } from './errors.js';

export type LogLevel = 'off' | 'error' | 'warn' | 'info' | 'debug';

/** A logger the SDK writes to (console, pino, winston, ... all fit). */
export interface Logger {
  error(message: string, ...rest: unknown[]): void;
  warn(message: string, ...rest: unknown[]): void;
  info(message: string, ...rest: unknown[]): void;
  debug(message: string, ...rest: unknown[]): void;
}

const LEVELS: Record<LogLevel, number> = { off: 0, error: 1, warn: 2, info: 3, debug: 4 };
const NAMES = Object.keys(LEVELS) as LogLevel[];

/** The environment variable that sets the level when the `logLevel` option does not. */
export const LOG_ENV = 'AGENTTRUST_LOG';

/** What the SDK's code logs through (not exported by the package). */
export interface Log {
  /** 0 off, 1 error, 2 warn, 3 info, 4 debug: callers skip building lines nobody reads. */
  readonly level: number;
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
}

// Values of AGENTTRUST_LOG already warned about: one warning per value and process.
const warned = new Set<string>();

/**
 * The level AGENTTRUST_LOG asks for (case-insensitive), undefined when unset or empty. Another
 * value counts as `off`, with one warning line on stderr naming the accepted values.
 */
export function levelFromEnv(): LogLevel | undefined {
  const raw = typeof process === 'undefined' ? undefined : process.env?.[LOG_ENV];
  if (raw === undefined || raw === '') return undefined;
  const level = raw.trim().toLowerCase();
  if ((NAMES as string[]).includes(level)) return level as LogLevel;
  if (!warned.has(raw)) {
    warned.add(raw);
    console.error(
      `agenttrustid warn ${LOG_ENV}=${JSON.stringify(raw.slice(0, 40))} is not one of ${NAMES.join(', ')}: logging is off`,
    );
  }
  return 'off';
}

const noop = () => {};

/** The log of a client: its `logger` and `logLevel` options, or AGENTTRUST_LOG. */
export function makeLog(logger: Logger | undefined, level: LogLevel | undefined): Log {
  if (level !== undefined && !Object.hasOwn(LEVELS, level)) {
    throw new ConfigurationError(`logLevel must be one of ${NAMES.join(', ')}`, 'logLevel');
  }
  const name = level ?? levelFromEnv() ?? (logger ? 'warn' : 'off');
  const at = LEVELS[name];
  const make = (method: Exclude<LogLevel, 'off'>) => {
    if (at < LEVELS[method]) return noop;
    if (logger) return (message: string) => logger[method](`[agenttrustid] ${message}`);
    return (message: string) => console.error(`agenttrustid ${method} ${message}`);
  };
  return { level: at, error: make('error'), warn: make('warn'), info: make('info'), debug: make('debug') };
}

/** A log that writes nothing. */
export const SILENT: Log = { level: 0, error: noop, warn: noop, info: noop, debug: noop };
