import request from 'supertest';
import { openDatabase } from '../src/bootstrap';
import { loadConfig, type Config } from '../src/config';
import { Applier } from '../src/db/models';
import { LOCK_NAME, migrate } from '../src/db/migrator';
import { createSequelize, withoutStatementLimit } from '../src/db/sequelize';
import { MESSAGES } from '../src/lib/error-handler';
import { createLogger } from '../src/lib/logger';
import { databaseName, MARIADB_TEST_URL, serverConnection } from './support/database';
import { timed } from './support/faults';
import { makeGroup, member, testCalendar } from './support/groups';
import { useTestContext, type TestContext } from './support/context';

/**
 * DB_STATEMENT_TIMEOUT_MS: the database stops a statement of the app that runs past the limit,
 * so a request stuck behind a held row lock answers 503 instead of holding its pool connection
 * for InnoDB's lock wait (50 s by default); migrations run without the limit. The limit is
 * MySQL/MariaDB's own, so this file runs in both suite runs on a scratch database of the
 * machine's MariaDB (as test/faults.database.test.ts does).
 */
jest.setTimeout(60_000);

const LIMIT_MS = 500;
const logger = createLogger({ level: 'silent', format: 'json' });

let ctx: TestContext;
/** The app's configuration: the limit, on the file's own database (at `databaseUrl`). */
let config: Config;
let databaseUrl: string;

useTestContext(
  (c) => {
    ctx = c;
    config = c.config;
    databaseUrl = String(c.config.db.url);
  },
  {
    config: () => {
      const base = loadConfig({ ...process.env, DB_URL: MARIADB_TEST_URL });
      return { ...base, db: { ...base.db, statementTimeoutMs: LIMIT_MS } };
    },
    // Migrated through the limited configuration: bootstrap migrates without the limit.
    ownDatabase: true,
  },
);

/** Runs `work` while another connection holds `sql`'s lock; releases it afterwards. */
async function whileHeld<T>(sql: string, params: unknown[], work: () => Promise<T>): Promise<T> {
  const holder = await serverConnection(databaseUrl);
  try {
    await holder.query(`USE \`${databaseName(databaseUrl)}\``);
    await holder.beginTransaction();
    await holder.query(sql, params);
    return await work();
  } finally {
    await holder.rollback().catch(() => undefined);
    await holder.end();
  }
}

it('Answers 503 once the limit passes when a write waits behind a row lock, and the write works once it is free', async () => {
  const day = testCalendar(ctx).window();
  const host = await member(ctx);
  const runner = await member(ctx);
  const group = await makeGroup(host.user, { date: day.at(2) });
  const lockRun = 'SELECT groupId FROM `Groups` WHERE groupId = ? FOR UPDATE';

  const stuck = await whileHeld(lockRun, [group.groupId], () =>
    timed(() => request(ctx.app).post(`/group/${group.groupId}/apply`).set(runner.headers)),
  );
  expect(stuck.value.status).toBe(503);
  expect(stuck.value.body).toEqual({ success: false, message: MESSAGES.unavailable });
  expect(stuck.value.headers['retry-after']).toBe('5');
  expect(stuck.ms).toBeGreaterThanOrEqual(LIMIT_MS - 50);
  // Stopped by the limit, not by InnoDB's own lock wait (50 s).
  expect(stuck.ms).toBeLessThan(20_000);
  const runnerSeats = () =>
    Applier.count({ where: { groupId: group.groupId, userId: runner.user.userId } });
  expect(await runnerSeats()).toBe(0);

  const applied = await request(ctx.app).post(`/group/${group.groupId}/apply`).set(runner.headers);
  expect(applied.status).toBe(200);
  expect(await runnerSeats()).toBe(1);
});

it('Limits every statement of a connection, and none with the limit at 0', async () => {
  const limited = createSequelize(config.db, logger);
  const unlimited = createSequelize(withoutStatementLimit(config.db), logger);
  try {
    await expect(limited.query('SELECT SLEEP(2)')).rejects.toMatchObject({
      parent: { errno: expect.any(Number) },
    });
    const [rows] = await unlimited.query('SELECT SLEEP(1) AS slept');
    expect(rows).toEqual([{ slept: 0 }]);
  } finally {
    await Promise.all([limited.close(), unlimited.close()]);
  }
});

it('Migrates without the limit: waiting for another process’s migration lock longer than the limit still succeeds', async () => {
  const held = LIMIT_MS * 3;
  const holder = await serverConnection(databaseUrl);
  try {
    await holder.query('SELECT GET_LOCK(?, 10)', [LOCK_NAME]);
    const release = new Promise((resolve) => setTimeout(resolve, held)).then(() =>
      holder.query('SELECT RELEASE_LOCK(?)', [LOCK_NAME]),
    );
    // The same wait on a limited connection is stopped...
    const limited = createSequelize(config.db, logger);
    try {
      await expect(migrate(limited)).rejects.toThrow('could not take the migration lock');
    } finally {
      await limited.close();
    }
    // ...while the app's start-up migration (DB_MIGRATE_ON_START) waits its turn.
    const started = await timed(() => openDatabase(config, logger, { migrate: true }));
    await started.value.close();
    await release;
    expect(started.ms).toBeGreaterThan(LIMIT_MS);
  } finally {
    await holder.end();
  }
});
