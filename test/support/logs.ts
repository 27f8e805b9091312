import { PassThrough } from 'node:stream';
import type { Express } from 'express';
import { loadConfig, type Config } from '../../src/config';
import { bootstrap, type Runtime } from '../../src/bootstrap';
import { createApp } from '../../src/app';
import { createLogger } from '../../src/lib/logger';

export interface LoggedApp {
  runtime: Runtime;
  app: Express;
  /** Everything logged so far (JSON lines). */
  output(): string;
}

/**
 * The app with the logger at debug level (access log included) and every SQL statement
 * logged, into a buffer the test searches for what must never be written.
 */
export async function appWithCapturedLog(
  overrides: (base: Config) => Partial<Config> = () => ({}),
): Promise<LoggedApp> {
  let output = '';
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const base = loadConfig(process.env);
  const config: Config = {
    ...base,
    log: { level: 'debug', format: 'json' },
    db: { ...base.db, logQueries: true },
    ...overrides(base),
  };
  const logger = createLogger({ ...config.log, stream });
  const runtime = await bootstrap(config, { migrate: false, logger });
  return { runtime, app: createApp(runtime), output: () => output };
}
