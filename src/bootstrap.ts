import type { Config } from './config';
import type { AppContext } from './lib/context';
import { DomainEventHub } from './lib/events';
import { createLogger, type Logger } from './lib/logger';
import { createSequelize } from './db/sequelize';
import { initModels } from './db/models';
import { migrate } from './db/migrator';
import { createKeyStore } from './store';
import { createImageService } from './uploads';
import { watchGroupLists } from './groups/list-cache';

export interface Runtime extends AppContext {
  close(): Promise<void>;
}

/**
 * Connects what a process needs (database, key store) for the given configuration. Shared by
 * the API server, the worker, the command-line tools and the tests.
 */
export async function bootstrap(
  config: Config,
  options: { logger?: Logger; migrate?: boolean } = {},
): Promise<Runtime> {
  const logger = options.logger ?? createLogger(config.log);
  const sequelize = createSequelize(config.db, logger);
  initModels(sequelize);
  try {
    await sequelize.authenticate();
    if (sequelize.getDialect() === 'sqlite') {
      // Write-ahead logging: readers (API, worker) no longer wait for a writer, and a commit is
      // one append instead of a journal rewrite. The setting is kept in the file.
      await sequelize.query('PRAGMA journal_mode = WAL');
    }
    if (options.migrate ?? config.db.migrateOnStart) {
      const applied = await migrate(sequelize, logger);
      if (applied.length > 0) logger.info('migrations applied', { applied });
    }
  } catch (err) {
    await sequelize.close();
    throw err;
  }
  let store;
  try {
    store = await createKeyStore(config, logger);
  } catch (err) {
    await sequelize.close();
    throw err;
  }
  watchGroupLists(sequelize, store, logger, config.cache.groupLists);
  return {
    config,
    logger,
    sequelize,
    store,
    images: createImageService(config, logger),
    events: new DomainEventHub(logger),
    now: () => new Date(),
    async close() {
      await Promise.allSettled([sequelize.close(), store.close()]);
    },
  };
}
