import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Sequelize } from 'sequelize';
import { loadConfig } from '../src/config';
import { createSequelize } from '../src/db/sequelize';
import { createLogger } from '../src/lib/logger';

/**
 * POSIX record locks belong to the process: closing any descriptor of a database file drops
 * every lock the process holds on it. Opening a second database handle (a second context, the
 * key store, which shares the same file helper) must therefore never open and close the file of one in use, or another
 * process could write under a transaction that believes it holds the write lock.
 */

const run = promisify(execFile);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'erunjrun-locks-'));
const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
const logger = createLogger(config.log);

/** Another process tries to take the write lock at once (no busy wait); its answer. */
async function writeFromAnotherProcess(file: string): Promise<string> {
  const script = `
    const sqlite3 = require('sqlite3');
    const db = new sqlite3.Database(process.argv[1]);
    db.run('BEGIN IMMEDIATE', (err) => {
      console.log(err ? err.code : 'GOT THE LOCK');
      db.close();
    });`;
  const { stdout } = await run(process.execPath, ['-e', script, file], {
    cwd: path.resolve(__dirname, '..'),
  });
  return stdout.trim();
}

const open: Sequelize[] = [];
afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
  fs.rmSync(dataDir, { recursive: true, force: true });
});

it('A transaction keeps the write lock while the same process opens the database again', async () => {
  const first = createSequelize(config.db, logger);
  open.push(first);
  await first.query('CREATE TABLE IF NOT EXISTS t (x TEXT)');
  await first.transaction(async (transaction) => {
    await first.query("INSERT INTO t VALUES ('held')", { transaction });
    expect(await writeFromAnotherProcess(config.db.sqliteFile)).toBe('SQLITE_BUSY');

    open.push(createSequelize(config.db, logger));
    expect(await writeFromAnotherProcess(config.db.sqliteFile)).toBe('SQLITE_BUSY');
  });
  expect(await writeFromAnotherProcess(config.db.sqliteFile)).toBe('GOT THE LOCK');
});
