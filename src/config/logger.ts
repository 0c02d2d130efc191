/**
 * The gateway's logger (pino): JSON lines in production or when stdout is not a terminal (log
 * collectors), human-readable lines (pino-pretty) in a terminal. `LOG_LEVEL` sets the level.
 */
import { pino, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { LogConfig } from './env.js';

export type { Logger } from 'pino';

/** `destination` replaces stdout, and `terminal` says whether it is one (tests read the lines). */
export function createLogger(
  config: LogConfig,
  destination: DestinationStream = pino.destination(1),
  terminal: boolean = Boolean(process.stdout.isTTY),
): Logger {
  const options = { level: config.level, base: { service: 'borealis-graphql-gateway' } };
  if (config.json || !terminal) return pino(options, destination);
  return pino(options, pretty({ destination, colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' }));
}

let fallback: Logger | undefined;

/** For code paths built without the gateway's logger (tools, isolated tests): info level, stdout. */
export function defaultLogger(): Logger {
  fallback ??= createLogger({ level: 'info', json: false });
  return fallback;
}
