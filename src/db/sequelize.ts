import { AsyncLocalStorage } from 'node:async_hooks';
import sqlite3 from 'sqlite3';
import { Sequelize, Transaction, type Options } from 'sequelize';
import type { Config } from '../config';
import type { Logger } from '../lib/logger';
import { ensurePrivateDbFile } from '../lib/private-files';
import { sequelizeBusyRetry, waitInShortTries } from '../lib/sqlite-busy';

/** How long a statement waits in all for another connection's write lock on the SQLite file. */
const SQLITE_WAIT_MS = 10_000;

/**
 * sqlite3 with a short busy timeout, one statement at a time, on every connection: Sequelize
 * opens one connection per transaction on SQLite, and a second writer (another request, the
 * worker, the CLI) waits its turn instead of failing at once with SQLITE_BUSY, in short tries
 * that Sequelize repeats (`retry` below; see lib/sqlite-busy.ts).
 */
class WaitingDatabase extends sqlite3.Database {
  constructor(file: string, mode: number, callback: (err: Error | null) => void) {
    super(file, mode, callback);
    waitInShortTries(this);
  }
}
const sqliteWithTimeout = { ...sqlite3, Database: WaitingDatabase };

export type Dialect = 'mysql' | 'sqlite';

/** The callback API of a mysql2 connection, as Sequelize's MySQL dialect opens it. */
interface RawConnection {
  query(sql: string, callback: (err: (Error & { errno?: number }) | null) => void): void;
}

const ER_UNKNOWN_SYSTEM_VARIABLE = 1193;

/**
 * The database's own limit on each statement of this connection, so a runaway query (a search
 * the indexes do not serve, a lock wait) frees its pool connection instead of holding it: the
 * server stops it and the request answers 503 (see `describeError`). MariaDB limits every
 * statement (`max_statement_time`, seconds); MySQL 5.7.8+ only SELECTs (`max_execution_time`,
 * milliseconds). One statement when a connection opens, none per query.
 */
async function limitStatements(connection: RawConnection, ms: number): Promise<void> {
  const run = (sql: string) =>
    new Promise<void>((resolve, reject) => {
      connection.query(sql, (err) => (err ? reject(err) : resolve()));
    });
  try {
    await run(`SET SESSION max_statement_time = ${ms / 1000}`);
  } catch (err) {
    if ((err as { errno?: number }).errno !== ER_UNKNOWN_SYSTEM_VARIABLE) throw err;
    await run(`SET SESSION max_execution_time = ${ms}`);
  }
}

/**
 * The settings for applying migrations: their DDL on large tables and their wait for another
 * process's migration lock run without the statement limit.
 */
export const withoutStatementLimit = (config: Config['db']): Config['db'] => ({
  ...config,
  statementTimeoutMs: 0,
});

export function createSequelize(config: Config['db'], logger: Logger): Sequelize {
  const logging = config.logQueries ? (sql: string) => logger.debug(sql) : false;
  if (config.url) {
    // MariaDB speaks the MySQL protocol; mysql2 serves both.
    const url = config.url.replace(/^mariadb:/, 'mysql:');
    const options: Options = {
      dialect: 'mysql',
      logging,
      // The original stored Korean wall-clock DATETIMEs; keep reading and writing them that way.
      timezone: '+09:00',
      pool: { max: config.poolMax, min: 0, acquire: 10_000, idle: 10_000 },
      dialectOptions: { connectTimeout: 5_000, charset: 'utf8mb4' },
      define: { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' },
      ...(config.statementTimeoutMs > 0 && {
        hooks: {
          afterConnect: (connection: unknown) =>
            limitStatements(connection as RawConnection, config.statementTimeoutMs),
        },
      }),
    };
    return new Sequelize(url, options);
  }
  // Every user's data: readable by the app's account only.
  ensurePrivateDbFile(config.sqliteFile);
  const sequelize = new Sequelize({
    dialect: 'sqlite',
    storage: config.sqliteFile,
    dialectModule: sqliteWithTimeout,
    retry: sequelizeBusyRetry(SQLITE_WAIT_MS),
    logging,
    // Take the write lock at BEGIN so concurrent transactions queue instead of deadlocking.
    transactionType: Transaction.TYPES.IMMEDIATE,
  });
  takeTurns(sequelize);
  return sequelize;
}

/**
 * SQLite has one writer at a time, and a writer waiting for the lock sleeps in its busy
 * handler on one of libuv's four worker threads. With more transactions waiting than threads
 * (a burst of applications to one run), the transaction holding the lock gets no thread to
 * commit on until their tries give up. So within a process, managed transactions
 * (`transaction(callback)`, the only kind used) take turns in JavaScript instead, first come
 * first served; between processes, the short tries above. A transaction opened inside another one
 * is not queued (it would wait for itself); SQLite refuses it as before.
 */
function takeTurns(sequelize: Sequelize): void {
  const begin = sequelize.transaction.bind(sequelize) as (...args: unknown[]) => Promise<unknown>;
  const inTurn = new AsyncLocalStorage<true>();
  let previous: Promise<unknown> = Promise.resolve();
  const queued = (...args: unknown[]) => {
    if (inTurn.getStore()) return begin(...args);
    const turn = previous.then(() => inTurn.run(true, () => begin(...args)));
    previous = turn.catch(() => undefined);
    return turn;
  };
  sequelize.transaction = queued as typeof sequelize.transaction;
}

export function dialectOf(sequelize: Sequelize): Dialect {
  return sequelize.getDialect() === 'sqlite' ? 'sqlite' : 'mysql';
}
