import sqlite3 from 'sqlite3';
import { ensurePrivateDbFile } from '../lib/private-files';
import { retryingBusy, waitInShortTries } from '../lib/sqlite-busy';
import type { HitCount, HitCounter, KeyStore } from './keystore';

/** How long a statement waits in all for another process's write lock on the file. */
const WAIT_MS = 5_000;

/**
 * Key store in a SQLite file (WAL mode), for the embedded mode: it survives restarts and is
 * shared with the other processes on the machine (each statement waits for their writes in
 * short tries: lib/sqlite-busy.ts). Expired keys read as absent and are purged now and then.
 */
export class SqliteKeyStore implements KeyStore {
  readonly kind = 'sqlite' as const;
  private writes = 0;

  private constructor(private readonly db: sqlite3.Database) {}

  static async open(file: string): Promise<SqliteKeyStore> {
    // Sessions and rate-limit counts: readable by the app's account only.
    ensurePrivateDbFile(file);
    const db = await new Promise<sqlite3.Database>((resolve, reject) => {
      const handle = new sqlite3.Database(file, (err) => (err ? reject(err) : resolve(handle)));
    });
    waitInShortTries(db);
    const store = new SqliteKeyStore(db);
    await store.exec('PRAGMA journal_mode = WAL');
    await store.exec(
      'CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v TEXT NOT NULL, exp INTEGER) WITHOUT ROWID',
    );
    return store;
  }

  /** One sqlite3 call, tried again while another process holds the write lock. */
  private call<T>(start: (settle: (err: Error | null, value?: T) => void) => void): Promise<T> {
    return retryingBusy(
      () =>
        new Promise<T>((resolve, reject) =>
          start((err, value) => (err ? reject(err) : resolve(value as T))),
        ),
      WAIT_MS,
    );
  }

  private exec(sql: string) {
    return this.call<void>((settle) => this.db.exec(sql, settle));
  }

  private run(sql: string, params: unknown[]) {
    return this.call<number>((settle) =>
      this.db.run(sql, params, function (this: sqlite3.RunResult, err: Error | null) {
        settle(err, this.changes);
      }),
    );
  }

  private row<T>(sql: string, params: unknown[]) {
    return this.call<T | undefined>((settle) =>
      this.db.get(sql, params, (err: Error | null, row: T | undefined) => settle(err, row)),
    );
  }

  private rows<T>(sql: string, params: unknown[]) {
    return this.call<T[]>((settle) =>
      this.db.all(sql, params, (err: Error | null, rows: T[]) => settle(err, rows)),
    );
  }

  private async afterWrite() {
    this.writes += 1;
    if (this.writes % 200 === 0) {
      await this.run('DELETE FROM kv WHERE exp IS NOT NULL AND exp <= ?', [Date.now()]);
    }
  }

  private static expiry(ttlSeconds?: number) {
    return ttlSeconds ? Date.now() + ttlSeconds * 1000 : null;
  }

  async get(key: string) {
    const row = await this.row<{ v: string }>(
      'SELECT v FROM kv WHERE k = ? AND (exp IS NULL OR exp > ?)',
      [key, Date.now()],
    );
    return row ? row.v : null;
  }

  async set(key: string, value: string, ttlSeconds?: number) {
    await this.run(
      'INSERT INTO kv (k, v, exp) VALUES (?, ?, ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v, exp = excluded.exp',
      [key, value, SqliteKeyStore.expiry(ttlSeconds)],
    );
    await this.afterWrite();
  }

  async setIfAbsent(key: string, value: string, ttlSeconds: number) {
    const changes = await this.run(
      `INSERT INTO kv (k, v, exp) VALUES (?, ?, ?)
       ON CONFLICT(k) DO UPDATE SET v = excluded.v, exp = excluded.exp
       WHERE kv.exp IS NOT NULL AND kv.exp <= ?`,
      [key, value, SqliteKeyStore.expiry(ttlSeconds), Date.now()],
    );
    await this.afterWrite();
    return changes === 1;
  }

  async increment(key: string, ttlSeconds: number, by = 1) {
    const now = Date.now();
    const row = await this.row<{ v: string }>(
      `INSERT INTO kv (k, v, exp) VALUES (?, CAST(? AS TEXT), ?)
       ON CONFLICT(k) DO UPDATE SET
         v = CASE WHEN kv.exp IS NOT NULL AND kv.exp <= ? THEN excluded.v ELSE CAST(CAST(kv.v AS INTEGER) + ? AS TEXT) END,
         exp = CASE WHEN kv.exp IS NOT NULL AND kv.exp <= ? THEN excluded.exp ELSE kv.exp END
       RETURNING v`,
      [key, Math.trunc(by), SqliteKeyStore.expiry(ttlSeconds), now, Math.trunc(by), now],
    );
    await this.afterWrite();
    return Number(row?.v);
  }

  /**
   * One statement: the counts before the hit decide which counters it reaches (SQLite reads the
   * whole SELECT before inserting, as it reads the table it inserts into), then each reached
   * counter is counted as {@link increment} counts.
   */
  async countHits(counters: HitCounter[]): Promise<HitCount[]> {
    const now = Date.now();
    const values = counters.map((_, i) => `(${i}, ?${i * 3 + 2}, ?${i * 3 + 3}, ?${i * 3 + 4})`);
    const rows = await this.rows<{ k: string; v: string; exp: number }>(
      `WITH \`counter\`(i, k, ms, most) AS (VALUES ${values.join(', ')}),
         \`before\`(i, most, n) AS (
           SELECT c.i, c.most, COALESCE((SELECT CAST(kv.v AS INTEGER) FROM kv
             WHERE kv.k = c.k AND (kv.exp IS NULL OR kv.exp > ?1)), 0)
           FROM \`counter\` AS c)
       INSERT INTO kv (k, v, exp)
       SELECT c.k, '1', ?1 + c.ms FROM \`counter\` AS c
       WHERE NOT EXISTS (SELECT 1 FROM \`before\` AS b WHERE b.i < c.i AND b.n + 1 > b.most)
       ON CONFLICT(k) DO UPDATE SET
         v = CASE WHEN kv.exp IS NOT NULL AND kv.exp <= ?1 THEN excluded.v ELSE CAST(CAST(kv.v AS INTEGER) + 1 AS TEXT) END,
         exp = CASE WHEN kv.exp IS NOT NULL AND kv.exp <= ?1 THEN excluded.exp ELSE kv.exp END
       RETURNING k, v, exp`,
      [now, ...counters.flatMap((c) => [c.key, c.windowSeconds * 1000, c.max])],
    );
    await this.afterWrite();
    const byKey = new Map(rows.map((row) => [row.k, row]));
    const counts: HitCount[] = [];
    for (const counter of counters) {
      const row = byKey.get(counter.key);
      if (!row) break;
      counts.push({
        count: Number(row.v),
        resetsAt: row.exp ?? now + counter.windowSeconds * 1000,
      });
    }
    return counts;
  }

  /**
   * One statement, as the Redis script does it: the value is `units:at` (the tokens left in
   * 1/window parts, whole numbers so refilling is exact, and the time of the last take). The
   * bucket read (absent or expired: full) is refilled, and stored less one token only when it
   * holds one: a refusal writes nothing, and answers no row.
   */
  async takeToken(key: string, capacity: number, windowMs: number, nowMs: number) {
    const rows = await this.rows<{ v: string }>(
      `WITH arg(cap, win, t) AS (
           SELECT CAST(?2 AS INTEGER), CAST(?3 AS INTEGER), CAST(?4 AS INTEGER)),
         stored(units, at) AS (
           SELECT CAST(substr(v, 1, instr(v, ':') - 1) AS INTEGER),
                  CAST(substr(v, instr(v, ':') + 1) AS INTEGER)
           FROM kv WHERE k = ?1 AND (exp IS NULL OR exp > ?5)),
         bucket(units, at, win) AS (
           SELECT COALESCE(
                    (SELECT MIN(arg.cap * arg.win, units + MAX(0, arg.t - at) * arg.cap) FROM stored),
                    arg.cap * arg.win),
                  MAX(arg.t, COALESCE((SELECT at FROM stored), arg.t)),
                  arg.win
           FROM arg)
       INSERT INTO kv (k, v, exp)
       SELECT ?1, (units - win) || ':' || at, ?5 + win FROM bucket WHERE units >= win
       ON CONFLICT(k) DO UPDATE SET v = excluded.v, exp = excluded.exp
       RETURNING v`,
      [key, capacity, windowMs, Math.floor(nowMs), Date.now()],
    );
    if (rows.length > 0) await this.afterWrite();
    return rows.length > 0;
  }

  async take(key: string) {
    const row = await this.row<{ v: string; exp: number | null }>(
      'DELETE FROM kv WHERE k = ? RETURNING v, exp',
      [key],
    );
    await this.afterWrite();
    return row && (row.exp === null || row.exp > Date.now()) ? row.v : null;
  }

  async ttl(key: string) {
    const row = await this.row<{ exp: number | null }>(
      'SELECT exp FROM kv WHERE k = ? AND (exp IS NULL OR exp > ?)',
      [key, Date.now()],
    );
    if (!row || row.exp === null) return null;
    return Math.ceil((row.exp - Date.now()) / 1000);
  }

  async del(key: string) {
    await this.run('DELETE FROM kv WHERE k = ?', [key]);
  }

  async ping() {
    await this.row('SELECT 1', []);
  }

  close() {
    return new Promise<void>((resolve, reject) =>
      this.db.close((err) => (err ? reject(err) : resolve())),
    );
  }
}
