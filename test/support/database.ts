import fs from 'node:fs';
import mysql from 'mysql2/promise';

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

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}
