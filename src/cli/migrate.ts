import { createSequelize } from '../db/sequelize';
import { migrate } from '../db/migrator';
import { runCli } from './run';

/** `npm run db:migrate`: applies the pending migrations to the configured database. */
runCli(async (config, logger) => {
  const sequelize = createSequelize(config.db, logger);
  try {
    const applied = await migrate(sequelize);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
  } finally {
    await sequelize.close();
  }
});
