import { createProgress, QUIET } from './progress';
import { runCli } from './run';

export const MIGRATE_CLI = {
  command: 'npm run db:migrate --',
  summary:
    'Applies the pending migrations to the configured database (DB_URL, or the embedded one in ' +
    'DATA_DIR), one line per migration on stderr, then what was applied on stdout.',
  options: QUIET,
};

/** `npm run db:migrate`: applies the pending migrations to the configured database. */
runCli(
  MIGRATE_CLI,
  ({ values }) => values,
  async (config, logger, { quiet }) => {
    // Loaded once the arguments are good: --help and usage errors answer at once.
    const { openDatabase } = await import('../bootstrap');
    const { migrate } = await import('../db/migrator');
    const { withoutStatementLimit } = await import('../db/sequelize');
    const progress = createProgress({ quiet });
    const sequelize = await openDatabase(
      { ...config, db: withoutStatementLimit(config.db) },
      logger,
    );
    try {
      const applied = await migrate(sequelize, logger, (name, done, total) =>
        progress.line(`migrated ${done}/${total} ${name}`),
      );
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
    } finally {
      await sequelize.close();
    }
  },
);
