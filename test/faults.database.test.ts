import crypto from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import { loadConfig } from '../src/config';
import { Group } from '../src/db/models';
import { MESSAGES } from '../src/lib/error-handler';
import { createGroupRequestFields, timed, until } from './support/faults';
import { GUEST, makeGroup, member, postGroup, testCalendar } from './support/groups';
import {
  dropMysqlDatabase,
  MARIADB_TEST_URL,
  recreateMysqlDatabase,
  scratchDatabaseUrl,
} from './support/database';
import { TcpProxy } from './support/tcp-proxy';
import { useTestContext, type TestContext } from './support/context';

/**
 * The database connection lost under a running app and given back. The MariaDB server is the
 * machine's shared one, so it is never stopped: the app reaches a scratch database of its own
 * through a loopback proxy, and the proxy is cut. Runs in both suite runs (the embedded one
 * too), since MariaDB is always on this machine.
 */
jest.setTimeout(90_000);

const serverUrl = new URL(MARIADB_TEST_URL);
const scratchUrl = scratchDatabaseUrl(MARIADB_TEST_URL, 'faults');

let proxy: TcpProxy;
let ctx: TestContext;
let app: Express;

useTestContext(
  (c) => {
    ctx = c;
    app = ctx.app;
  },
  {
    // The whole configuration as the app reads it with DB_URL on the proxy (not the test one's).
    config: async () => {
      await recreateMysqlDatabase(scratchUrl);
      proxy = await TcpProxy.start(Number(serverUrl.port || 3306), serverUrl.hostname);
      const viaProxy = new URL(scratchUrl);
      viaProxy.hostname = '127.0.0.1';
      viaProxy.port = String(proxy.port);
      return loadConfig({ ...process.env, DB_URL: viaProxy.toString() });
    },
    migrate: true,
    teardown: async () => {
      await proxy?.close();
      await dropMysqlDatabase(scratchUrl);
    },
  },
);

const unavailable = { success: false, message: MESSAGES.unavailable };

it('Answers 503 quickly while the database is unreachable, /health and /health/ready say so (live stays 200), and recovers without a restart', async () => {
  const day = testCalendar(ctx).window();
  const host = await member(ctx);
  const group = await makeGroup(host.user, { date: day.at(5) });
  expect((await request(app).get('/group/all').set(GUEST)).status).toBe(200);
  expect((await request(app).get('/health')).status).toBe(200);

  proxy.cut();
  // The list page read above is kept for the rest of its second (src/groups/list-cache.ts);
  // the outage shows from the next second on.
  ctx.clock.set(ctx.now());
  ctx.clock.advance(1);

  // Reads and writes fail fast with the clear 503, not a hang and not a 500 with the route's
  // own failure text.
  const list = await timed(() => request(app).get('/group/all').set(GUEST));
  expect(list.value.status).toBe(503);
  expect(list.value.body).toEqual(unavailable);
  expect(list.value.headers['retry-after']).toBe('5');
  expect(list.ms).toBeLessThan(15_000);

  const detail = await request(app).get(`/group/detail/${group.groupId}`).set(GUEST);
  expect(detail.status).toBe(503);
  expect(detail.body).toEqual(unavailable);

  const title = `DB 장애 중 러닝 ${crypto.randomBytes(3).toString('hex')}`;
  const create = await timed(() =>
    postGroup(ctx, host.headers, createGroupRequestFields(day.at(3), { title })),
  );
  expect(create.value.status).toBe(503);
  expect(create.value.body).toEqual(unavailable);
  expect(create.ms).toBeLessThan(15_000);

  const health = await request(app).get('/health');
  expect(health.status).toBe(503);
  expect(health.body).toMatchObject({
    success: false,
    database: { status: 'down', dialect: 'mysql' },
    store: { status: 'up' },
  });
  const ready = await request(app).get('/health/ready');
  expect(ready.status).toBe(503);
  expect(ready.body).toMatchObject({ success: false, database: { status: 'down' } });
  // The process itself is fine: liveness never asks the database.
  expect((await request(app).get('/health/live')).body).toEqual({ status: 'ok' });

  proxy.restore();

  // The pool drops the dead connections and opens new ones by itself.
  await until('the app to reach the database again', async () => {
    const res = await request(app).get('/health');
    return res.status === 200;
  });
  const again = await request(app).get(`/group/detail/${group.groupId}`).set(GUEST);
  expect(again.status).toBe(200);
  expect(again.body.success).toBe(true);
  // The failed create left no row and did not keep its double-submit guard: the host may post.
  expect(await Group.count({ where: { title } })).toBe(0);
  const created = await postGroup(
    ctx,
    host.headers,
    createGroupRequestFields(day.at(3), { title }),
  );
  expect(created.status).toBe(201);
  expect(await Group.count({ where: { title } })).toBe(1);
});

it('Fails fast when the database hangs (connections accepted, never answered), then recovers', async () => {
  const group = await Group.findOne();
  proxy.cut('hang');

  // mysql2's connectTimeout (5 s) ends each attempt and the pool's acquire timeout (10 s)
  // caps the wait: the request answers 503 instead of holding the client.
  const detail = await timed(() => request(app).get(`/group/detail/${group!.groupId}`).set(GUEST));
  expect(detail.value.status).toBe(503);
  expect(detail.value.body).toEqual(unavailable);
  expect(detail.ms).toBeLessThan(12_000);

  const health = await timed(() => request(app).get('/health'));
  expect(health.value.status).toBe(503);
  expect(health.value.body.database.status).toBe('down');
  expect(health.ms).toBeLessThan(5_000);

  proxy.restore();
  await until('the app to reach the database again', async () => {
    const res = await request(app).get(`/group/detail/${group!.groupId}`).set(GUEST);
    return res.status === 200;
  });
});
