import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { QueryTypes, type Sequelize } from 'sequelize';
import { loadConfig } from '../src/config';
import { createSequelize } from '../src/db/sequelize';
import { createLogger } from '../src/lib/logger';
import { SqliteKeyStore } from '../src/store/sqlite-store';

/**
 * The embedded mode shares its SQLite files between processes (the API, the notification
 * worker, the CLIs): one writer at a time, and no queue between processes. SQLite's own busy
 * handler sleeps longer and longer (100 ms at a time after the first 300 ms), so a connection
 * waiting for the write lock checks ten times a second and keeps missing the moments another
 * process leaves it free between two of its transactions: it waited out its timeout and failed
 * with SQLITE_BUSY (the key store after 5 s), or held its request for seconds. Both files are
 * now tried again every few milliseconds until the same bound.
 */
jest.setTimeout(60_000);

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'erunjrun-busy-'));
const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
const logger = createLogger(config.log);

/**
 * How long the other process may keep writing: past the key store's old 5 s bound, and long
 * enough that waiting for it to stop shows. It is stopped once the test has its answers.
 */
const OTHER_WRITES_MS = 20_000;

/**
 * Another process writing `file` back to back for `ms` (each transaction holds the write lock
 * for `holdMs`, the next begins `pauseMs` after), as a busy worker or CLI does; resolves once it
 * has begun.
 */
async function writeBackToBack(
  file: string,
  table: string,
  ms: number,
  { holdMs = 20, pauseMs = 0 } = {},
) {
  const script = `
    const sqlite3 = require('sqlite3');
    const db = new sqlite3.Database(process.argv[1]);
    db.configure('busyTimeout', 10000);
    const end = Date.now() + Number(process.argv[2]);
    let begun = false;
    const loop = () => {
      if (Date.now() > end) return db.close();
      db.run('BEGIN IMMEDIATE', (err) => {
        if (err) return setImmediate(loop);
        if (!begun) { begun = true; console.log('writing'); }
        db.run("INSERT INTO ${table} VALUES ('other')", () =>
          setTimeout(() => db.run('COMMIT', () => setTimeout(loop, ${pauseMs})), ${holdMs}));
      });
    };
    loop();`;
  const child = spawn(process.execPath, ['-e', script, file, String(ms)], {
    cwd: path.resolve(__dirname, '..'),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  await new Promise<void>((resolve) => child.stdout?.once('data', () => resolve()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let running = true;
  void exited.then(() => (running = false));
  const stop = async () => {
    if (running) child.kill();
    await exited;
  };
  return { stillWriting: () => running, stop };
}

/**
 * The other process holding the lock longer than one try of ours, with short gaps: statements
 * are refused for a moment, often, and still get their turn.
 */
const REFUSING_OFTEN = { holdMs: 30, pauseMs: 5 };

/** Another process writing `table` of `file` back to back, refusing our statements often. */
const refusingOften = (file: string, table: string) =>
  writeBackToBack(file, table, OTHER_WRITES_MS, REFUSING_OFTEN);

const children: ChildProcess[] = [];
const open: { close(): Promise<void> }[] = [];

/** The embedded database as the app opens it, in WAL mode, closed after the file's tests. */
async function openDatabase(): Promise<Sequelize> {
  const sequelize = createSequelize(config.db, logger);
  open.push(sequelize);
  await sequelize.query('PRAGMA journal_mode = WAL');
  return sequelize;
}
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill();
  await Promise.all(open.map((each) => each.close()));
  fs.rmSync(dataDir, { recursive: true, force: true });
});

it('Key store writes get their turn while another process writes the file back to back', async () => {
  const store = await SqliteKeyStore.open(config.store.sqliteFile);
  open.push(store);
  await store.set('warm', '1');
  const other = await writeBackToBack(config.store.sqliteFile, 'kv (k, v)', OTHER_WRITES_MS);
  // Sixteen requests' counts, one after the other: each waits for the lock on its own.
  const refused: unknown[] = [];
  for (let i = 0; i < 16; i += 1) {
    await store.increment('busy:count', 60).catch((err: unknown) => refused.push(err));
  }
  expect(refused).toEqual([]);
  expect(other.stillWriting()).toBe(true);
  await other.stop();
  expect(await store.get('busy:count')).toBe('16');
});

it('Key store writes done at once on two connections are all kept while another process writes', async () => {
  const store = await SqliteKeyStore.open(config.store.sqliteFile);
  const second = await SqliteKeyStore.open(config.store.sqliteFile);
  open.push(store, second);
  const other = await refusingOften(config.store.sqliteFile, 'kv (k, v)');
  // Rounds of requests at once, half on each connection, each waiting for the lock: a statement
  // refused for a moment must not take a neighbour's finished write down with it.
  const counted: { key: string; count: number }[] = [];
  const taken: { key: string; count: number }[] = [];
  const each = <T>(write: (on: SqliteKeyStore) => Promise<T>) =>
    Promise.all(Array.from({ length: 12 }, (_, i) => write(i % 2 ? store : second)));
  for (let round = 0; round < 10; round += 1) {
    const key = `busy:round-${round}`;
    await each((on) => on.increment(key, 60));
    counted.push({ key, count: Number(await store.get(key)) });
    const tokens = await each((on) => on.takeToken(`${key}:bucket`, 6, 60_000, 0));
    taken.push({ key, count: tokens.filter(Boolean).length });
  }
  expect(other.stillWriting()).toBe(true);
  await other.stop();
  expect(counted).toEqual(counted.map(({ key }) => ({ key, count: 12 })));
  expect(taken).toEqual(taken.map(({ key }) => ({ key, count: 6 })));
});

it('Transactions get their turn while another process writes the database back to back', async () => {
  const sequelize = await openDatabase();
  await sequelize.query('CREATE TABLE t (x TEXT)');
  const other = await writeBackToBack(config.db.sqliteFile, 't (x)', OTHER_WRITES_MS);
  const outcomes = await Promise.allSettled(
    Array.from({ length: 8 }, (_, i) =>
      sequelize.transaction(async (transaction) => {
        await sequelize.query(`INSERT INTO t VALUES ('mine ${i}')`, { transaction });
        await sequelize.query(`INSERT INTO t VALUES ('mine ${i} again')`, { transaction });
      }),
    ),
  );
  expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
  // All in while the other process still wrote: none waited for it to stop.
  expect(other.stillWriting()).toBe(true);
  await other.stop();
  const [{ mine }] = await sequelize.query<{ mine: number }>(
    "SELECT COUNT(*) AS mine FROM t WHERE x LIKE 'mine %'",
    { type: QueryTypes.SELECT },
  );
  expect(Number(mine)).toBe(16);
});

it('Statements outside transactions done at once are all kept while another process writes', async () => {
  const sequelize = await openDatabase();
  await sequelize.query('CREATE TABLE IF NOT EXISTS t (x TEXT)');
  await sequelize.query('CREATE TABLE `counted` (k TEXT PRIMARY KEY, n INTEGER NOT NULL)');
  const other = await refusingOften(config.db.sqliteFile, 't (x)');
  const counted: { round: number; n: number }[] = [];
  for (let round = 0; round < 10; round += 1) {
    await sequelize.query(`INSERT INTO \`counted\` VALUES ('r${round}', 0)`);
    // Statements naming a table the way Sequelize's SQLite dialect inspects first.
    await Promise.all(
      Array.from({ length: 12 }, () =>
        sequelize.query(
          `UPDATE \`counted\` SET n = n + 1 WHERE k IN (SELECT k FROM \`counted\` WHERE k = 'r${round}')`,
        ),
      ),
    );
    const [row] = await sequelize.query<{ n: number }>(
      `SELECT n FROM \`counted\` WHERE k = 'r${round}'`,
      { type: QueryTypes.SELECT },
    );
    counted.push({ round, n: Number(row.n) });
  }
  expect(other.stillWriting()).toBe(true);
  await other.stop();
  expect(counted).toEqual(counted.map(({ round }) => ({ round, n: 12 })));
});
