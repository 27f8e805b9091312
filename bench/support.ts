/**
 * What the database benchmarks share: a database of their own and the API listening on an
 * ephemeral port, called over HTTP with keep-alive as a client would.
 *
 * Embedded SQLite in a temporary folder by default. With BENCH_DB_URL (and BENCH_REDIS_URL), the
 * MySQL database it names is dropped and re-created first and dropped again at the end; its name
 * must contain "bench".
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import mysql from 'mysql2/promise';
import { createApp } from '../src/app';
import { bootstrap, type Runtime } from '../src/bootstrap';
import { loadConfig } from '../src/config';

export interface BenchApi {
  runtime: Runtime;
  /** `http://127.0.0.1:<port>` */
  base: string;
  close(): Promise<void>;
}

async function resetMysqlDatabase(url: string, recreate: boolean): Promise<void> {
  const parsed = new URL(url.replace(/^mariadb:/, 'mysql:'));
  const name = decodeURIComponent(parsed.pathname.slice(1));
  if (!/bench/i.test(name)) throw new Error(`BENCH_DB_URL must name a "bench" database: ${name}`);
  const conn = await mysql.createConnection({
    host: parsed.hostname,
    port: Number(parsed.port || 3306),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
  });
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
    if (recreate) {
      await conn.query(
        `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
      );
    }
  } finally {
    await conn.end();
  }
}

export interface BenchDatabase {
  runtime: Runtime;
  /**
   * The configuration variables the runtime was built from, for a server started in another
   * process on the same database and key store (`npm run bench`).
   */
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * A throw-away database, migrated, and a runtime on it (not listening). `env`: extra
 * configuration variables (for example a rate limit lifted out of the way).
 */
export async function openBenchDatabase(
  name: string,
  extra: Record<string, string> = {},
): Promise<BenchDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `erunjrun-bench-${name}-`));
  const dbUrl = process.env.BENCH_DB_URL;
  if (dbUrl) await resetMysqlDatabase(dbUrl, true);
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    JWT_SECRET: 'bench-signing-secret-that-is-long-enough-0123456789',
    PHONE_ENCRYPTION_KEY: '0123456789abcdef'.repeat(4),
    KEY_PREFIX: `erunjrun-bench-${name}:`,
    ...(dbUrl && { DB_URL: dbUrl }),
    ...(process.env.BENCH_REDIS_URL && { REDIS_URL: process.env.BENCH_REDIS_URL }),
    ...extra,
  };
  const runtime = await bootstrap(loadConfig(env), { migrate: true });
  return {
    runtime,
    env,
    async close() {
      await runtime.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
      if (dbUrl) await resetMysqlDatabase(dbUrl, false);
    },
  };
}

/** A throw-away database and the API on it, in this process, on an ephemeral port. */
export async function startBenchApi(
  name: string,
  extra: Record<string, string> = {},
): Promise<BenchApi> {
  const database = await openBenchDatabase(name, extra);
  const server = createApp(database.runtime).listen(0);
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    runtime: database.runtime,
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await database.close();
    },
  };
}

/** The p-th percentile of sorted samples. */
export const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
