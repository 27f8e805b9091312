import type { Sequelize } from 'sequelize';
import type { Config } from './config';
import { MIN_SECRET_LENGTH } from './config/secrets';
import type { AppContext } from './lib/context';
import { DomainEventHub } from './lib/events';
import { createLogger, type Logger } from './lib/logger';
import { createMetrics, METRIC_PREFIX } from './lib/metrics';
import { createPhoneCipher } from './lib/phone-cipher';
import { createSequelize, withoutStatementLimit } from './db/sequelize';
import { initModels } from './db/models';
import { registerPoolGauges } from './db/pool-metrics';
import { migrate } from './db/migrator';
import { createSmsSender } from './sms';
import { createKeyStore } from './store';
import { createImageService } from './uploads';
import { createSocialLogin } from './users/oauth';
import { COMMENT_THREADS } from './comments/thread-cache';
import { GROUP_DETAILS } from './groups/detail-cache';
import { registerGroupListCache } from './groups/list-cache';
import { registerAppliedMarks } from './groups/applied-marks';
import { GROUP_NEAR } from './groups/near-cache';
import { registerAccountCache } from './auth/accounts';
import { COURSE_DETAILS, COURSE_FEEDS } from './courses/course-caches';
import { CALENDAR_FEEDS } from './calendar/feed-cache';
import { ALARM_LISTS } from './alarms/alarm-cache';
import { registerReadCache, type ReadCacheSpec } from './lib/read-cache';

/**
 * The composition root: every process (API server, worker, command-line tools, tests) gets its
 * parts from here, each built once, and hands each route, service and job the slice it uses.
 */
export interface Runtime extends AppContext {
  close(): Promise<void>;
}

/**
 * The read caches behind `READ_CACHE` (each spec, in its domain, says what it keeps and which
 * models' writes renew it). Registered in every process, so writes renew their generations even
 * where reads are not cached (a worker started with the caches off).
 */
const READ_CACHES: readonly ReadCacheSpec[] = [
  GROUP_DETAILS,
  GROUP_NEAR,
  COMMENT_THREADS,
  COURSE_FEEDS,
  COURSE_DETAILS,
  CALENDAR_FEEDS,
  ALARM_LISTS,
];

/**
 * What each domain installs on a runtime it runs in (hooks, caches), before anything writes.
 * A domain exports its registration or its cache's spec; this list is the only place that
 * knows them all.
 */
const DOMAIN_REGISTRATIONS: ReadonlyArray<(root: AppContext) => void> = [
  registerGroupListCache,
  (root) => {
    for (const spec of READ_CACHES) registerReadCache(root, spec, root.config.cache.reads);
  },
  registerAccountCache,
  registerAppliedMarks,
];

/**
 * Connects to the configured database and checks it answers; with `migrate`, applies the
 * pending migrations. Closed again when any of that fails.
 */
export async function openDatabase(
  config: Config,
  logger: Logger,
  options: { migrate?: boolean } = {},
): Promise<Sequelize> {
  if (options.migrate && config.db.url && config.db.statementTimeoutMs > 0) {
    // Migrations run on connections of their own, without the statement limit.
    const migrating = await openDatabase(
      { ...config, db: withoutStatementLimit(config.db) },
      logger,
      options,
    );
    await migrating.close();
    return openDatabase(config, logger);
  }
  const sequelize = createSequelize(config.db, logger);
  initModels(sequelize);
  try {
    await sequelize.authenticate();
    if (sequelize.getDialect() === 'sqlite') {
      // Write-ahead logging: readers (API, worker) no longer wait for a writer, and a commit is
      // one append instead of a journal rewrite. The setting is kept in the file.
      await sequelize.query('PRAGMA journal_mode = WAL');
    }
    if (options.migrate) {
      const applied = await migrate(sequelize, logger);
      if (applied.length > 0) logger.info('migrations applied', { applied });
    }
  } catch (err) {
    await sequelize.close();
    throw err;
  }
  return sequelize;
}

/**
 * Builds what a process runs on for the given configuration: logger, database, key store,
 * images, SMS, phone cipher, social login, events, metrics and clock, then the domains'
 * registrations.
 */
export async function bootstrap(
  config: Config,
  options: { logger?: Logger; migrate?: boolean } = {},
): Promise<Runtime> {
  // Reading the settings writes nothing: embedded secrets not given in the environment are
  // filled in by prepareEmbeddedSecrets at start-up. Never run with an empty one.
  if (config.jwt.secret.length < MIN_SECRET_LENGTH || config.phone.encryptionKey.length !== 32) {
    throw new Error(
      'bootstrap needs the signing secret and phone key: call prepareEmbeddedSecrets',
    );
  }
  const logger = options.logger ?? createLogger(config.log);
  const sequelize = await openDatabase(config, logger, {
    migrate: options.migrate ?? config.db.migrateOnStart,
  });
  let store;
  try {
    store = await createKeyStore(config, logger);
  } catch (err) {
    await sequelize.close();
    throw err;
  }
  const metrics = createMetrics();
  registerPoolGauges(metrics.registry, sequelize, METRIC_PREFIX);
  const runtime: Runtime = {
    config,
    logger,
    sequelize,
    store,
    images: createImageService(config, logger),
    sms: createSmsSender(config, logger),
    phones: createPhoneCipher(config.phone),
    oauth: createSocialLogin(config, logger),
    events: new DomainEventHub(logger),
    metrics,
    now: () => new Date(),
    async close() {
      // Deletions of images a failed request had written use the database.
      await runtime.images.settled();
      await Promise.allSettled([sequelize.close(), store.close()]);
    },
  };
  for (const register of DOMAIN_REGISTRATIONS) register(runtime);
  return runtime;
}
