import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import mysql from 'mysql2/promise';
import type { Config } from '../../src/config';

/** Connects to the server of a mysql:// URL without selecting its database. */
export async function serverConnection(url: string) {
  const parsed = new URL(url.replace(/^mariadb:/, 'mysql:'));
  return mysql.createConnection({
    host: parsed.hostname,
    port: Number(parsed.port || 3306),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    multipleStatements: false,
  });
}

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url.replace(/^mariadb:/, 'mysql:')).pathname.slice(1));
}

/** The database name of `url`, which must be a test database's (its name contains "test"). */
function testDatabaseName(url: string): string {
  const name = databaseName(url);
  if (!/test/i.test(name)) {
    throw new Error(
      `Refusing to touch database "${name}": test database names must contain "test"`,
    );
  }
  return name;
}

/** Replaces the database of `url` with an empty one (test databases only). */
export async function recreateMysqlDatabase(url: string): Promise<void> {
  const name = testDatabaseName(url);
  const conn = await serverConnection(url);
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await conn.query(
      `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  } finally {
    await conn.end();
  }
}

/** Drops the database of `url` (test databases only). */
export async function dropMysqlDatabase(url: string): Promise<void> {
  const name = testDatabaseName(url);
  const conn = await serverConnection(url);
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await conn.end();
  }
}

/**
 * The test MariaDB database: the MariaDB run's (TEST_DB_URL), else the machine's default one.
 * For the files that need MariaDB in the embedded run too; they work on a database of their own
 * beside it.
 */
export const MARIADB_TEST_URL = (
  process.env.TEST_DB_URL ?? 'mysql://root@127.0.0.1:3306/erunjrun_test'
).replace(/^mariadb:/, 'mysql:');

const randomPart = () => crypto.randomBytes(4).toString('hex');

/**
 * The URL of a scratch database beside the one of `url` (on the same server): its name with
 * `_<tag>_<random part>` added, so no other test file, jest worker or run shares it.
 */
export function scratchDatabaseUrl(url: string, tag: string): string {
  const scratch = new URL(url.replace(/^mariadb:/, 'mysql:'));
  scratch.pathname = `/${databaseName(url)}_${tag}_${randomPart()}`;
  return scratch.toString();
}

export interface OwnDatabase {
  /** The database settings given, moved to the new database (its `url`, or its `sqliteFile`). */
  db: Config['db'];
  /** Drops the database, or removes the SQLite file (and its -wal/-shm). */
  drop(): Promise<void>;
}

/**
 * An empty database of a test's own beside the one `config` names: with DB_URL a scratch
 * MariaDB database ({@link scratchDatabaseUrl}), else a SQLite file
 * `<tag>-db-<random part>.sqlite` in the data folder. Whoever creates it drops it after.
 */
export async function createOwnDatabase(
  config: Pick<Config, 'db' | 'dataDir'>,
  tag: string,
): Promise<OwnDatabase> {
  if (config.db.url) {
    const url = scratchDatabaseUrl(config.db.url, tag);
    await recreateMysqlDatabase(url);
    return { db: { ...config.db, url }, drop: () => dropMysqlDatabase(url) };
  }
  const sqliteFile = path.join(config.dataDir, `${tag}-db-${randomPart()}.sqlite`);
  return {
    db: { ...config.db, sqliteFile },
    async drop() {
      for (const suffix of ['', '-wal', '-shm']) {
        fs.rmSync(`${sqliteFile}${suffix}`, { force: true });
      }
    },
  };
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}
