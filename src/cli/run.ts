import { ConfigError, loadConfigFromEnvironment, type Config } from '../config';
import { createLogger, type Logger } from '../lib/logger';

/**
 * Runs a command-line tool: configuration errors and failures go to stderr with a non-zero
 * exit code; stdout stays free for the tool's own output.
 */
export function runCli(main: (config: Config, logger: Logger) => Promise<void>): void {
  let config: Config;
  try {
    config = loadConfigFromEnvironment();
  } catch (err) {
    process.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`);
    process.exit(1);
  }
  const logger = createLogger({
    ...config.log,
    level: config.log.level === 'silent' ? 'silent' : 'warn',
    stderr: true,
  });
  main(config, logger).then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
