import { openDatabase } from '../bootstrap';
import { migrate } from '../db/migrator';
import { runCli } from './run';

/** `npm run db:migrate`: applies the pending migrations to the configured database. */
runCli(async (config, logger) => {
  const sequelize = await openDatabase(config, logger);
  try {
    const applied = await migrate(sequelize);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
  } finally {
    await sequelize.close();
  }
});
