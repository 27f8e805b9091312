import type { Worker } from 'node:cluster';
import crypto from 'node:crypto';
import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AggregatorRegistry, Counter, Gauge, Histogram, Registry } from 'prom-client';
import request from 'supertest';
import { io as ioClient, type Socket } from 'socket.io-client';
import { createApp } from '../src/app';
import { isSessionOpen } from '../src/auth/sessions';
import { attachChat } from '../src/chat/chat.gateway';
import { ConfigError, loadConfig } from '../src/config';
import {
  ANSWER,
  ASK,
  collectCluster,
  COLLECT,
  COLLECTED,
  METRICS_UNAVAILABLE,
  shareMetricsWithPrimary,
  type MetricsMessage,
} from '../src/lib/cluster-metrics';
import { METRICS_UNAUTHORIZED } from '../src/lib/metrics';
import type { KeyStore } from '../src/store/keystore';
import { signIn, useTestContext, type TestContext } from './support/context';
import { GUEST, makeGroup, member, testCalendar } from './support/groups';
import { sample } from './support/prometheus';
import { makeUser } from './support/users';

/**
 * `GET /metrics` read as Prometheus reads it, after requests made through the app itself: the
 * request counter and histogram by route template, the cache and key-store counters, the chat
 * socket gauge, the pool and process defaults, and the token rule.
 */
let ctx: TestContext;
// The list cache's generation lives in a key store of this file's own: another file's writes
// cannot turn an expected hit into a miss.
useTestContext(
  (c) => {
    ctx = c;
  },
  { ownKeyStore: true },
);
afterEach(() => ctx.clock.reset());

/** The exposition text, as a scraper gets it. */
async function scrape(app = ctx.app, headers: Record<string, string> = {}): Promise<string> {
  const res = await request(app).get('/metrics').set(headers);
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text;
}

const count = async (name: string, labels: Record<string, string>) =>
  sample(await scrape(), name, labels) ?? 0;

describe('GET /metrics', () => {
  it('Counts and times each request under its route template, method and status', async () => {
    const { at } = testCalendar(ctx).window();
    const host = await member(ctx);
    const group = await makeGroup(host.user, { date: at(3) });
    const unknownId = crypto.randomUUID();
    const detail = { method: 'GET', route: '/group/detail/:groupId' };
    const ok = { ...detail, status: '200' };
    const missing = { ...detail, status: '404' };
    const unmatched = { method: 'GET', route: 'unmatched', status: '404' };
    const before = {
      ok: await count('erunjrun_http_requests_total', ok),
      missing: await count('erunjrun_http_requests_total', missing),
      unmatched: await count('erunjrun_http_requests_total', unmatched),
    };

    for (let i = 0; i < 2; i += 1) {
      expect((await request(ctx.app).get(`/group/detail/${group.groupId}`).set(GUEST)).status).toBe(
        200,
      );
    }
    // The service throws (the router is left before the answer); the template is kept.
    expect((await request(ctx.app).get(`/group/detail/${unknownId}`).set(GUEST)).status).toBe(404);
    expect((await request(ctx.app).get(`/no-such-page/${unknownId}`)).status).toBe(404);

    const text = await scrape();
    expect(sample(text, 'erunjrun_http_requests_total', ok)).toBe(before.ok + 2);
    expect(sample(text, 'erunjrun_http_requests_total', missing)).toBe(before.missing + 1);
    expect(sample(text, 'erunjrun_http_requests_total', unmatched)).toBe(before.unmatched + 1);
    // Ids never become labels: the number of series stays bounded.
    expect(text).not.toContain(group.groupId);
    expect(text).not.toContain(unknownId);

    // The histogram: every bucket, the +Inf one and the count agree with the counter.
    for (const le of ['0.005', '0.1', '1', '10', '+Inf']) {
      expect(sample(text, 'erunjrun_http_request_duration_seconds_bucket', { ...ok, le })).toEqual(
        expect.any(Number),
      );
    }
    expect(sample(text, 'erunjrun_http_request_duration_seconds_count', ok)).toBe(before.ok + 2);
    expect(
      sample(text, 'erunjrun_http_request_duration_seconds_bucket', { ...ok, le: '+Inf' }),
    ).toBe(before.ok + 2);
    expect(sample(text, 'erunjrun_http_request_duration_seconds_sum', ok)).toBeGreaterThan(0);
  });

  it('Names the root route of a router by its mount (/health), not /health/', async () => {
    const labels = { method: 'GET', route: '/health', status: '200' };
    const before = await count('erunjrun_http_requests_total', labels);
    expect((await request(ctx.app).get('/health')).status).toBe(200);
    expect(await count('erunjrun_http_requests_total', labels)).toBe(before + 1);
  });

  it('Counts a hit when a group list page comes from the cache, a miss when it is read', async () => {
    testCalendar(ctx).window();
    const cache = { cache: 'group_lists' };
    const text = await scrape();
    const before = {
      hits: sample(text, 'erunjrun_cache_hits_total', cache) ?? 0,
      misses: sample(text, 'erunjrun_cache_misses_total', cache) ?? 0,
    };
    // The clock stands still: both reads fall in the same second, the second one is kept.
    for (let i = 0; i < 2; i += 1) {
      expect((await request(ctx.app).get('/group/all?page=1').set(GUEST)).status).toBe(200);
    }
    const after = await scrape();
    expect(sample(after, 'erunjrun_cache_misses_total', cache)).toBe(before.misses + 1);
    expect(sample(after, 'erunjrun_cache_hits_total', cache)).toBe(before.hits + 1);
  });

  it('Counts a key-store failure worked around (a session check while the store is down)', async () => {
    const user = await makeUser();
    const { sid } = await signIn(ctx, user);
    const down = {
      ...ctx.store,
      get: () => Promise.reject(new Error('store down')),
    } as unknown as KeyStore;
    const labels = { operation: 'session_check' };
    const before = await count('erunjrun_keystore_errors_total', labels);
    // Fail open: the session counts as open, and the failure is counted.
    await expect(isSessionOpen({ ...ctx, store: down }, user.userId, sid)).resolves.toBe(true);
    expect(await count('erunjrun_keystore_errors_total', labels)).toBe(before + 1);
  });

  it('Reports the database pool and the process defaults', async () => {
    const text = await scrape();
    expect(sample(text, 'erunjrun_db_pool_size')).toEqual(expect.any(Number));
    if (ctx.sequelize.getDialect() === 'mysql') {
      expect(sample(text, 'erunjrun_db_pool_in_use')).toEqual(expect.any(Number));
      expect(sample(text, 'erunjrun_db_pool_waiting')).toBe(0);
      expect(sample(text, 'erunjrun_db_pool_max')).toBe(ctx.config.db.poolMax);
    } else {
      // SQLite has no pool to wait for: those two are not reported.
      expect(text).not.toContain('erunjrun_db_pool_waiting');
    }
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(text).toContain('# TYPE nodejs_eventloop_lag_seconds gauge');
  });

  it('Follows the chat connections open on this process', async () => {
    const server = http.createServer(ctx.app);
    const closeChat = await attachChat(server, ctx);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const clients: Socket[] = [];
    try {
      const gauge = async () => sample(await scrape(), 'erunjrun_chat_sockets_open');
      const before = (await gauge()) ?? 0;
      for (let i = 0; i < 2; i += 1) {
        const { token } = await signIn(ctx, await makeUser());
        const client = ioClient(url, {
          transports: ['websocket'],
          reconnection: false,
          forceNew: true,
          auth: { token },
        });
        clients.push(client);
        await new Promise<void>((resolve, reject) => {
          client.once('connect', () => resolve());
          client.once('connect_error', reject);
        });
      }
      expect(await gauge()).toBe(before + 2);
      clients[0].disconnect();
      await waitFor(async () => (await gauge()) === before + 1);
      expect(await gauge()).toBe(before + 1);
    } finally {
      for (const client of clients) client.disconnect();
      const closed = new Promise((resolve) => server.close(resolve));
      await closeChat();
      server.closeAllConnections();
      await closed;
    }
  });
});

async function waitFor(check: () => Promise<boolean>, ms = 5000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('METRICS_TOKEN', () => {
  const token = crypto.randomBytes(24).toString('base64url');
  const guarded = () =>
    createApp({ ...ctx, config: { ...ctx.config, metrics: { enabled: true, token } } });

  it('Refuses a scrape without the token, or with another, before collecting anything', async () => {
    const app = guarded();
    const collect = jest.spyOn(ctx.metrics.registry, 'metrics');
    try {
      for (const authorization of [
        undefined,
        `Bearer ${token}x`,
        `Bearer ${token.slice(1)}`,
        token,
      ]) {
        const req = request(app).get('/metrics');
        const res = await (authorization ? req.set('Authorization', authorization) : req);
        expect(res.status).toBe(401);
        expect(res.body).toEqual({ success: false, message: METRICS_UNAUTHORIZED });
        expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      }
      expect(collect).not.toHaveBeenCalled();
    } finally {
      collect.mockRestore();
    }
  });

  it('Serves the metrics with Authorization: Bearer <token>', async () => {
    const text = await scrape(guarded(), { Authorization: `Bearer ${token}` });
    expect(text).toContain('# TYPE erunjrun_http_requests_total counter');
  });

  it('Is read from the environment, at least 16 characters; METRICS_ENABLED=false hides /metrics', async () => {
    expect(loadConfig({ ...process.env, METRICS_TOKEN: token }).metrics).toEqual({
      enabled: true,
      token,
    });
    expect(() => loadConfig({ ...process.env, METRICS_TOKEN: 'short' })).toThrow(ConfigError);
    const off = loadConfig({ ...process.env, METRICS_ENABLED: 'false' });
    const app = createApp({ ...ctx, config: { ...ctx.config, metrics: off.metrics } });
    expect((await request(app).get('/metrics')).status).toBe(404);
  });
});

/** A worker's IPC channel to its primary, which answers (or not) with `respond`. */
class FakePrimary extends EventEmitter {
  readonly sent: MetricsMessage[] = [];
  constructor(private readonly respond: (message: MetricsMessage) => MetricsMessage[] = () => []) {
    super();
  }
  send(message: MetricsMessage, callback: (err: Error | null) => void) {
    this.sent.push(message);
    callback(null);
    for (const reply of this.respond(message)) setImmediate(() => this.emit('message', reply));
    return true;
  }
}

describe('GET /metrics in a worker of a cluster (WEB_CONCURRENCY above 1)', () => {
  const clusterApp = (primary: FakePrimary, answerMs?: number, token: string | null = null) =>
    createApp({
      ...ctx,
      config: { ...ctx.config, metrics: { enabled: true, token } },
      metrics: shareMetricsWithPrimary(ctx.metrics, { channel: primary, answerMs }),
    });

  it("Answers with the cluster's text the primary sends back for its own request id", async () => {
    const primary = new FakePrimary((message) =>
      message.type === ASK
        ? [
            { type: ANSWER, id: message.id + 1, text: 'another scrape\n' },
            { type: ANSWER, id: message.id, text: '# the whole cluster\n' },
          ]
        : [],
    );
    const res = await request(clusterApp(primary)).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.text).toBe('# the whole cluster\n');
    expect(primary.sent).toEqual([{ type: ASK, id: 0 }]);
  });

  it('Answers 503 {success:false, message} when the primary does not answer in time, and waits no longer', async () => {
    const silent = new FakePrimary();
    const began = Date.now();
    const res = await request(clusterApp(silent, 300)).get('/metrics');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ success: false, message: METRICS_UNAVAILABLE });
    expect(Date.now() - began).toBeLessThan(3_000);
    expect(silent.sent).toHaveLength(1);
  });

  it('Answers 503 at once when the primary could not gather the processes', async () => {
    const failing = new FakePrimary((message) => [
      { type: ANSWER, id: message.id, error: 'API process 1234 did not send its metrics in time' },
    ]);
    const began = Date.now();
    const res = await request(clusterApp(failing, 20_000)).get('/metrics');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ success: false, message: METRICS_UNAVAILABLE });
    expect(Date.now() - began).toBeLessThan(10_000);
  });

  it('Checks METRICS_TOKEN before asking the primary for anything', async () => {
    const token = crypto.randomBytes(24).toString('base64url');
    const primary = new FakePrimary();
    const res = await request(clusterApp(primary, 300, token)).get('/metrics');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ success: false, message: METRICS_UNAUTHORIZED });
    expect(primary.sent).toEqual([]);
  });

  it("Sends its own registry when the primary collects, in a form the primary's sum reads", async () => {
    const primary = new FakePrimary();
    shareMetricsWithPrimary(ctx.metrics, { channel: primary });
    const labels = { method: 'GET', route: '/health', status: '200' };
    expect((await request(ctx.app).get('/health')).status).toBe(200);
    const own = sample(await scrape(), 'erunjrun_http_requests_total', labels) ?? 0;
    expect(own).toBeGreaterThan(0);

    primary.emit('message', { type: COLLECT, id: 41 });
    await waitFor(async () => primary.sent.length > 0);
    const [answer] = primary.sent;
    expect(answer).toMatchObject({ type: COLLECTED, id: 41 });
    // Two processes with these same counts: twice as many.
    const both = await AggregatorRegistry.aggregate([answer.metrics!, answer.metrics!]).metrics();
    expect(sample(both, 'erunjrun_http_requests_total', labels)).toBe(2 * own);
  });
});

/** A worker as the primary sees it, answering a COLLECT with `registry` (or never). */
class FakeWorker extends EventEmitter {
  readonly process = { pid: 40_000 + Math.floor(Math.random() * 1000) };
  constructor(private readonly answer: (id: number) => Promise<MetricsMessage | null>) {
    super();
  }
  isConnected() {
    return true;
  }
  send(message: MetricsMessage, callback: (err: Error | null) => void) {
    callback(null);
    if (message.type === COLLECT) {
      void this.answer(message.id).then((reply) => reply && this.emit('message', reply));
    }
    return true;
  }
}

/** A process's registry: its requests to one route and its chat sockets. */
function processRegistry(requests: number, seconds: number, sockets: number) {
  const registry = new Registry();
  const labels = { method: 'GET', route: '/health', status: '200' };
  new Counter({
    name: 'erunjrun_http_requests_total',
    help: 'requests',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  }).inc(labels, requests);
  const histogram = new Histogram({
    name: 'erunjrun_http_request_duration_seconds',
    help: 'times',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.1, 1],
    registers: [registry],
  });
  for (let i = 0; i < requests; i += 1) histogram.observe(labels, seconds);
  new Gauge({ name: 'erunjrun_chat_sockets_open', help: 'open', registers: [registry] }).set(
    sockets,
  );
  return registry;
}

const answering = (registry: Registry) => async (id: number) =>
  ({ type: COLLECTED, id, metrics: await registry.getMetricsAsJSON() }) as MetricsMessage;
const asWorkers = (workers: FakeWorker[]) => workers as unknown as Worker[];

describe("The primary's collection (WEB_CONCURRENCY above 1)", () => {
  const labels = { method: 'GET', route: '/health', status: '200' };

  it('Adds up counters, histograms and gauges; a worker that exits meanwhile is left out', async () => {
    const gone = new FakeWorker(async () => null);
    const workers = [
      new FakeWorker(answering(processRegistry(2, 0.05, 1))),
      new FakeWorker(answering(processRegistry(3, 0.5, 4))),
      gone,
    ];
    const collected = collectCluster(asWorkers(workers), 7, 5_000);
    setImmediate(() => gone.emit('disconnect'));
    const text = await collected;
    expect(sample(text, 'erunjrun_http_requests_total', labels)).toBe(5);
    const bucket = (le: string) =>
      sample(text, 'erunjrun_http_request_duration_seconds_bucket', { ...labels, le });
    expect([bucket('0.1'), bucket('1'), bucket('+Inf')]).toEqual([2, 5, 5]);
    expect(sample(text, 'erunjrun_http_request_duration_seconds_count', labels)).toBe(5);
    expect(sample(text, 'erunjrun_http_request_duration_seconds_sum', labels)).toBeCloseTo(1.6);
    expect(sample(text, 'erunjrun_chat_sockets_open')).toBe(5);
  });

  it('Many scrapes at once share one listener per worker, each getting its own sum', async () => {
    const slow = (registry: Registry) => async (id: number) => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return answering(registry)(id);
    };
    const workers = [
      new FakeWorker(slow(processRegistry(2, 0.05, 1))),
      new FakeWorker(slow(processRegistry(3, 0.5, 4))),
    ];
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      // Past EventEmitter's default of ten listeners, which each scrape used to add.
      const scrapes = Array.from({ length: 15 }, (_, i) =>
        collectCluster(asWorkers(workers), 100 + i, 5_000),
      );
      for (const worker of workers) {
        expect([worker.listenerCount('message'), worker.listenerCount('disconnect')]).toEqual([
          1, 1,
        ]);
      }
      for (const text of await Promise.all(scrapes)) {
        expect(sample(text, 'erunjrun_http_requests_total', labels)).toBe(5);
      }
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
    for (const worker of workers) {
      expect([worker.listenerCount('message'), worker.listenerCount('disconnect')]).toEqual([0, 0]);
    }
  });

  it('Fails within its bound when a worker does not answer, and leaves no listener behind', async () => {
    const workers = [
      new FakeWorker(answering(processRegistry(2, 0.05, 1))),
      new FakeWorker(() => new Promise<null>(() => undefined)),
    ];
    const began = Date.now();
    await expect(collectCluster(asWorkers(workers), 8, 300)).rejects.toThrow(
      `API process ${workers[1].process.pid} did not send its metrics in time`,
    );
    expect(Date.now() - began).toBeLessThan(3_000);
    for (const worker of workers) {
      expect([worker.listenerCount('message'), worker.listenerCount('disconnect')]).toEqual([0, 0]);
    }
  });
});
