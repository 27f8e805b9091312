import sqlite3 from 'sqlite3';
import { Sequelize, Transaction, type Options } from 'sequelize';
import type { Config } from '../config';
import type { Logger } from '../lib/logger';

/**
 * sqlite3 with a busy timeout on every connection. Sequelize opens one connection per
 * transaction on SQLite; without a timeout, a second writer (another request, the worker,
 * the CLI) fails at once with SQLITE_BUSY instead of waiting its turn.
 */
class WaitingDatabase extends sqlite3.Database {
  constructor(file: string, mode: number, callback: (err: Error | null) => void) {
    super(file, mode, callback);
    this.configure('busyTimeout', 10_000);
  }
}
const sqliteWithTimeout = { ...sqlite3, Database: WaitingDatabase };

export type Dialect = 'mysql' | 'sqlite';

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
    };
    return new Sequelize(url, options);
  }
  return new Sequelize({
    dialect: 'sqlite',
    storage: config.sqliteFile,
    dialectModule: sqliteWithTimeout,
    logging,
    // Take the write lock at BEGIN so concurrent transactions queue instead of deadlocking.
    transactionType: Transaction.TYPES.IMMEDIATE,
  });
}

export function dialectOf(sequelize: Sequelize): Dialect {
  return sequelize.getDialect() === 'sqlite' ? 'sqlite' : 'mysql';
}
