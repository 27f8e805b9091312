import cluster from 'node:cluster';
import type { Server } from 'node:http';
import { ConfigError, loadConfigFromEnvironment, type Config } from '../config';
import { createLogger, type Logger } from './logger';
import { listen } from './http-server';

/**
 * What the long-running processes (API server, worker) share: configuration checked before
 * anything starts, and one way to stop. `build` is the composition root (`bootstrap`): this
 * module only reports what keeps the process from starting.
 */
export async function startRuntime<R>(
  build: (config: Config, logger: Logger) => Promise<R>,
): Promise<R> {
  const config = loadConfigOrExit();
  // Each API process of a cluster names itself in its lines (which process answered, crashed).
  const logger = cluster.isWorker
    ? createLogger(config.log).child({ pid: process.pid })
    : createLogger(config.log);
  try {
    return await build(config, logger);
  } catch (err) {
    logger.error('could not start', { error: (err as Error).message });
    process.exit(1);
  }
}

/** The checked configuration; every problem is printed and the process exits 1. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfigFromEnvironment();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

/**
 * Runs `stop` once on SIGTERM/SIGINT (exit 0) or after an unhandled error (exit 1, logged), then
 * exits. A crash is never left running half-broken: it stops cleanly and the supervisor restarts.
 */
export function onShutdown(logger: Logger, stop: (reason: string) => Promise<void>): void {
  let stopping = false;
  const shutdown = async (reason: string, exitCode: number) => {
    if (stopping) return;
    stopping = true;
    try {
      await stop(reason);
    } catch (err) {
      logger.error('shutdown failed', { error: (err as Error).message });
      exitCode = 1;
    }
    process.exit(exitCode);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
  process.on('SIGINT', () => void shutdown('SIGINT', 0));
  process.on('unhandledRejection', (reason) => {
    logger.error('unhandled rejection', { error: String(reason) });
    void shutdown('unhandledRejection', 1);
  });
  process.on('uncaughtException', (err) => {
    logger.error('uncaught exception', { error: err.message, stack: err.stack });
    void shutdown('uncaughtException', 1);
  });
}

/**
 * Listens on `port` and resolves with the port bound; when the port cannot be had (busy, not
 * allowed), logs one error line naming it and `setting`, runs `release` and exits 1. A busy port
 * is the operator's to fix, so no stack trace.
 */
export async function listenOrExit(
  server: Server,
  port: number,
  setting: string,
  logger: Logger,
  release: () => Promise<void>,
): Promise<number> {
  try {
    return await listen(server, port, setting);
  } catch (err) {
    logger.error((err as Error).message);
    await release().catch(() => undefined);
    process.exit(1);
  }
}
