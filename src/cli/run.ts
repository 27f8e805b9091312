import { ConfigError, loadConfigFromEnvironment, type Config } from '../config';
import { createLogger, type Logger } from '../lib/logger';
import { argsOrExit, type CliSpec, type OptionSpecs, type ParsedArgs } from './args';

/**
 * Runs a command-line tool: its arguments are read first (`--help` and bad arguments never need
 * a configuration or a database), then the configuration; configuration errors and failures go
 * to stderr with exit code 1; stdout stays free for the tool's own output.
 */
export function runCli<O extends OptionSpecs, A>(
  spec: CliSpec<O>,
  check: (parsed: ParsedArgs<O>) => A,
  main: (config: Config, logger: Logger, args: A) => Promise<void>,
): void {
  const args = argsOrExit(spec, check);
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
  main(config, logger, args).then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
