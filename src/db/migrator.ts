import fs from 'node:fs/promises';
import path from 'node:path';
import { Umzug, SequelizeStorage } from 'umzug';
import type { QueryInterface, Sequelize } from 'sequelize';
import type { Logger } from '../lib/logger';

export interface MigrationContext {
  queryInterface: QueryInterface;
  sequelize: Sequelize;
}

export type Migration = (context: MigrationContext) => Promise<void>;

/**
 * Migrations live in the top-level `migrations/` folder: TypeScript when run from source
 * (tests), JavaScript once compiled to `dist/`. The applied list is kept in `SequelizeMeta`,
 * the table sequelize-cli uses.
 */
export function createMigrator(sequelize: Sequelize, logger?: Logger) {
  const folder = path.resolve(__dirname, '../../migrations');
  return new Umzug<MigrationContext>({
    migrations: {
      glob: ['*.{js,ts}', { cwd: folder, ignore: ['*.d.ts', '*.map'] }],
      resolve: ({ name, path: file }) => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const mod = require(file as string) as { up: Migration; down?: Migration };
        return {
          name: name.replace(/\.(js|ts)$/, ''),
          up: ({ context }) => mod.up(context),
          down: ({ context }) => (mod.down ? mod.down(context) : Promise.resolve()),
        };
      },
    },
    context: { queryInterface: sequelize.getQueryInterface(), sequelize },
    storage: new SequelizeStorage({ sequelize, tableName: 'SequelizeMeta' }),
    logger: logger
      ? {
          info: (event) => logger.info('migration', event),
          warn: (event) => logger.warn('migration', event),
          error: (event) => logger.error('migration', event),
          debug: () => undefined,
        }
      : undefined,
  });
}

/** The server-wide named lock (GET_LOCK) migrating processes take turns through on MySQL. */
export const LOCK_NAME = 'erunjrun_migrations';
const LOCK_WAIT_SECONDS = 300;

/**
 * Applies the pending migrations. On MySQL, API replicas starting together (with
 * DB_MIGRATE_ON_START) take turns through a named lock held by one pinned connection, so a
 * migration never runs twice at once.
 */
export async function migrate(
  sequelize: Sequelize,
  logger?: Logger,
  /** Called after each migration applied, with how many of the pending ones are done. */
  onMigrated?: (name: string, done: number, total: number) => void,
): Promise<string[]> {
  const umzug = createMigrator(sequelize, logger);
  const up = async () => {
    if (onMigrated) {
      const total = (await umzug.pending()).length;
      let done = 0;
      umzug.on('migrated', ({ name }) => onMigrated(name, (done += 1), total));
    }
    return (await umzug.up()).map((m) => m.name);
  };
  if (sequelize.getDialect() !== 'mysql') {
    // The typings omit the instance's options, which hold the SQLite file path.
    const { storage } = (sequelize as unknown as { options: { storage: string } }).options;
    return withFileLock(`${storage}.migrate-lock`, up);
  }
  return sequelize.transaction(async (transaction) => {
    const [rows] = await sequelize.query('SELECT GET_LOCK(?, ?) AS locked', {
      replacements: [LOCK_NAME, LOCK_WAIT_SECONDS],
      transaction,
    });
    if ((rows as Array<{ locked: number | null }>)[0]?.locked !== 1) {
      throw new Error(`could not take the migration lock within ${LOCK_WAIT_SECONDS} s`);
    }
    try {
      return await up();
    } finally {
      await sequelize.query('SELECT RELEASE_LOCK(?)', { replacements: [LOCK_NAME], transaction });
    }
  });
}

const FILE_LOCK_STALE_MS = 10 * 60 * 1000;

/**
 * The embedded mode's equivalent of the MySQL lock: the API server and the worker may start
 * together on the same SQLite file. Creating a folder is atomic, so whoever creates it migrates
 * and the other waits, then finds nothing left to do. A lock left by a crashed process expires.
 */
async function withFileLock<T>(lockPath: string, work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + LOCK_WAIT_SECONDS * 1000;
  await fs.mkdir(path.dirname(lockPath), { recursive: true });
  for (;;) {
    try {
      await fs.mkdir(lockPath);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = await fs.stat(lockPath).then(
        (st) => Date.now() - st.mtimeMs,
        () => 0,
      );
      if (age > FILE_LOCK_STALE_MS) await fs.rm(lockPath, { recursive: true, force: true });
      else if (Date.now() > deadline) {
        throw new Error(`could not take the migration lock within ${LOCK_WAIT_SECONDS} s`);
      } else await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  try {
    return await work();
  } finally {
    await fs.rm(lockPath, { recursive: true, force: true });
  }
}
