import type { Config } from '../config';
import type { Logger } from '../lib/logger';
import { bootstrap } from '../bootstrap';
import { seedDemo } from '../../seeders/demo';
import { storeDemoImages } from '../../seeders/images';
import { runCli } from './run';

async function seed(config: Config, logger: Logger): Promise<void> {
  const runtime = await bootstrap(config, { logger, migrate: config.db.migrateOnStart });
  try {
    // Without this, an unmigrated database fails on the first INSERT with a bare SQL error.
    if (!(await runtime.sequelize.getQueryInterface().tableExists('Users'))) {
      throw new Error(
        'the database has no ErunJrun tables yet: run `npm run db:migrate` first ' +
          '(or set DB_MIGRATE_ON_START=true)',
      );
    }
    const result = await seedDemo(runtime, (line) => console.log(line));
    const summary = Object.entries(result.counts)
      .map(([table, count]) => `${table} ${count}`)
      .join(', ');
    console.log(
      result.created
        ? `demo data created: ${summary}`
        : `demo data was already there, nothing written: ${summary}`,
    );
    const images = await storeDemoImages(runtime, (line) => console.log(line));
    if (images > 0) console.log(`demo images stored: ${images}`);
  } finally {
    await runtime.close();
  }
}

/**
 * `npm run db:seed`: fills the configured database with demo users, runs, courses and comments.
 * Safe to repeat: a database that has the demo already is left as it is.
 */
runCli(async (config, logger) => {
  try {
    await seed(config, logger);
  } catch (err) {
    throw new Error(`db:seed failed: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
});
