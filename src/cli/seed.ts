import type { Config } from '../config';
import type { Logger } from '../lib/logger';
import { createProgress, QUIET, type Progress } from './progress';
import { runCli } from './run';

export const SEED_CLI = {
  command: 'npm run db:seed --',
  summary:
    'Fills a development database with demo users, runs, courses and comments, with runs placed ' +
    'relative to now (one starting in about 40 minutes, one that ended an hour ago, one full). ' +
    'Safe to repeat: a database that has the demo already is left as it is.',
  options: {
    force: {
      type: 'boolean',
      description: 'seed even a database that looks like a production one',
    },
    ...QUIET,
  },
  notes:
    'It refuses, unless --force, when NODE_ENV is production, or when DB_URL names a database\n' +
    'whose name has no part (between _ - or .) starting with dev, demo or test, such as\n' +
    'erunjrun_dev or erunjrun-demo. The embedded database (no DB_URL) is always accepted.',
} as const;

/** The parts of a database name that mark it as one for development. */
const DEVELOPMENT_NAME = /^(dev|demo|test)/i;

/** Why seeding this configuration's database needs --force; null when it does not. */
export function seedRefusal(config: Pick<Config, 'production' | 'db'>): string | null {
  if (config.production) return 'NODE_ENV is production';
  if (config.db.url === null) return null;
  let name: string;
  try {
    name = decodeURIComponent(new URL(config.db.url).pathname.slice(1));
  } catch {
    name = '';
  }
  if (name.split(/[_.-]/).some((part) => DEVELOPMENT_NAME.test(part))) return null;
  return (
    `the database "${name}" is not named as a development one ` +
    '(a part of its name must start with dev, demo or test)'
  );
}

async function seed(config: Config, logger: Logger, progress: Progress): Promise<void> {
  // Loaded once the arguments are good: --help and usage errors answer at once.
  const { bootstrap } = await import('../bootstrap');
  const { seedDemo } = await import('../../seeders/demo');
  const { storeDemoImages } = await import('../../seeders/images');
  const runtime = await bootstrap(config, { logger, migrate: config.db.migrateOnStart });
  try {
    // Without this, an unmigrated database fails on the first INSERT with a bare SQL error.
    if (!(await runtime.sequelize.getQueryInterface().tableExists('Users'))) {
      throw new Error(
        'the database has no ErunJrun tables yet: run `npm run db:migrate` first ' +
          '(or set DB_MIGRATE_ON_START=true)',
      );
    }
    const result = await seedDemo(runtime, (line) => progress.line(line));
    const summary = Object.entries(result.counts)
      .map(([table, count]) => `${table} ${count}`)
      .join(', ');
    console.log(
      result.created
        ? `demo data created: ${summary}`
        : `demo data was already there, nothing written: ${summary}`,
    );
    const images = await storeDemoImages(runtime, (line) => progress.line(line));
    if (images > 0) console.log(`demo images stored: ${images}`);
    if (result.tryAs) {
      console.log(
        `try it as ${result.tryAs}, who hosts the run starting soon and rates the one just ended: ` +
          `npm run --silent token -- ${result.tryAs}`,
      );
    }
  } finally {
    await runtime.close();
  }
}

/**
 * `npm run db:seed`: fills the configured database with demo users, runs, courses and comments.
 * Safe to repeat: a database that has the demo already is left as it is.
 */
if (require.main === module) {
  runCli(
    SEED_CLI,
    ({ values }) => values,
    async (config, logger, { force, quiet }) => {
      const refusal = seedRefusal(config);
      if (refusal && !force) {
        throw new Error(
          `db:seed refused: ${refusal}. It writes demo accounts and runs; ` +
            'pass --force (npm run db:seed -- --force) to seed this database anyway',
        );
      }
      try {
        await seed(config, logger, createProgress({ quiet }));
      } catch (err) {
        throw new Error(`db:seed failed: ${err instanceof Error ? err.message : String(err)}`, {
          cause: err,
        });
      }
    },
  );
}
