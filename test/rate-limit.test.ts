import crypto from 'node:crypto';
import request from 'supertest';
import { loadConfig } from '../src/config';
import {
  RATE_LIMIT_MESSAGES,
  createRateLimitChain,
  createRateLimiter,
} from '../src/lib/rate-limit';
import type { KeyStore } from '../src/store/keystore';
import { authHeaders, signIn, useTestContext, type TestContext } from './support/context';
import express from 'express';
import { createApp } from '../src/app';
import { makeUser } from './support/users';

let ctx: TestContext;

useTestContext(
  (c) => {
    ctx = c;
  },
  {
    config: (base) => ({
      // The proxy is trusted only on loopback, so each test can speak from its own address.
      http: { ...base.http, trustProxy: ['loopback'] },
      rateLimit: {
        ...base.rateLimit,
        login: { max: 2, windowSeconds: 60 },
        write: { max: 3, windowSeconds: 60 },
        sms: { max: 1, windowSeconds: 60 },
      },
    }),
  },
);

/** An address no other test (or earlier run within the window) has used. */
const freshIp = () =>
  `10.${crypto.randomInt(256)}.${crypto.randomInt(256)}.${crypto.randomInt(1, 255)}`;

function expectLimited(res: request.Response, message: string) {
  expect(res.status).toBe(429);
  expect(res.body).toEqual({ success: false, message });
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(60);
}

describe('per-IP rate limits', () => {
  it('limits writes per address, not reads, and not other addresses', async () => {
    const ip = freshIp();
    for (let i = 0; i < 3; i += 1) {
      const res = await request(ctx.app).delete('/user/logout').set('X-Forwarded-For', ip);
      expect(res.status).toBe(401);
    }
    const limited = await request(ctx.app).delete('/user/logout').set('X-Forwarded-For', ip);
    expectLimited(limited, RATE_LIMIT_MESSAGES.write);
    // Other methods count too: the limit is on writes as a whole.
    expectLimited(
      await request(ctx.app).post('/group').set('X-Forwarded-For', ip).send({}),
      RATE_LIMIT_MESSAGES.write,
    );

    // Reads are not counted.
    for (let i = 0; i < 5; i += 1) {
      const res = await request(ctx.app).get('/health').set('X-Forwarded-For', ip);
      expect(res.status).not.toBe(429);
    }
    // Another address has its own count.
    const other = await request(ctx.app).delete('/user/logout').set('X-Forwarded-For', freshIp());
    expect(other.status).toBe(401);
  });

  it('refuses before reading the body or checking the session', async () => {
    const ip = freshIp();
    const user = await makeUser();
    const tokens = await signIn(ctx, user);
    for (let i = 0; i < 3; i += 1) {
      await request(ctx.app).patch('/alarm').set('X-Forwarded-For', ip).set(authHeaders(tokens));
    }
    const res = await request(ctx.app)
      .patch('/alarm')
      .set('X-Forwarded-For', ip)
      .set(authHeaders(tokens))
      .set('Content-Type', 'application/json')
      .send('{not json');
    expectLimited(res, RATE_LIMIT_MESSAGES.write);
  });

  it('limits the login callbacks', async () => {
    const ip = freshIp();
    for (const provider of ['kakao', 'naver']) {
      const res = await request(ctx.app)
        .get(`/user/${provider}/callback?code=abc`)
        .set('X-Forwarded-For', ip);
      expect(res.status).not.toBe(429);
    }
    // Both callbacks share one count: trying the other provider does not reset it.
    const res = await request(ctx.app)
      .get('/user/kakao/callback?code=abc')
      .set('X-Forwarded-For', ip);
    expectLimited(res, RATE_LIMIT_MESSAGES.login);
  });

  it('is stricter on verification texts', async () => {
    const ip = freshIp();
    const first = await request(ctx.app)
      .post('/user/message')
      .set('X-Forwarded-For', ip)
      .send({ phone: '01012345678' });
    expect(first.status).toBe(401);
    const second = await request(ctx.app)
      .post('/user/message')
      .set('X-Forwarded-For', ip)
      .send({ phone: '01012345678' });
    expectLimited(second, RATE_LIMIT_MESSAGES.sms);
  });
});

describe('behind one proxy (TRUST_PROXY=1)', () => {
  it('counts the address the proxy saw, however the client fills X-Forwarded-For', async () => {
    const { trustProxy } = loadConfig({ ...process.env, TRUST_PROXY: '1' }).http;
    const app = createApp({
      ...ctx,
      config: { ...ctx.config, http: { ...ctx.config.http, trustProxy } },
    });
    // The proxy appends the address it saw to whatever the client sent.
    const client = freshIp();
    const through = (spoofed: string) =>
      request(app).delete('/user/logout').set('X-Forwarded-For', `${spoofed}, ${client}`);
    for (let i = 0; i < 3; i += 1) {
      expect((await through(freshIp())).status).toBe(401);
    }
    expectLimited(await through(freshIp()), RATE_LIMIT_MESSAGES.write);
  });
});

describe('one count in the key store', () => {
  it('is shared by every process on the same key store', async () => {
    // Two apps on the same key store, as two processes of one machine (or two containers).
    const [first, second] = [createApp(ctx), createApp(ctx)];
    const ip = freshIp();
    const logout = (app: express.Express) =>
      request(app).delete('/user/logout').set('X-Forwarded-For', ip);
    expect((await logout(first)).status).toBe(401);
    expect((await logout(second)).status).toBe(401);
    const third = await logout(first);
    expect(third.status).toBe(401);
    expect(third.headers['ratelimit-remaining']).toBe('0');
    expectLimited(await logout(second), RATE_LIMIT_MESSAGES.write);
  });

  it('lets requests through when the key store fails', async () => {
    const failing = {
      ...ctx.store,
      countHits: () => Promise.reject(new Error('store down')),
    } as unknown as KeyStore;
    const app = express();
    app.post(
      '/x',
      createRateLimiter({ ...ctx, store: failing }, 'write', { max: 1, windowSeconds: 60 }),
      (_req, res) => {
        res.json({ success: true });
      },
    );
    for (let i = 0; i < 3; i += 1) {
      expect((await request(app).post('/x')).status).toBe(200);
    }
  });
});

describe('a chain of limits (one key store round trip)', () => {
  const chainApp = (store: KeyStore, perIp: number, perName: number) => {
    const app = express();
    app.set('trust proxy', ['loopback']);
    app.get(
      '/x/:name',
      createRateLimitChain({ ...ctx, store }, [
        { name: 'calendar', rule: { max: perIp, windowSeconds: 60 } },
        {
          name: 'calendarFeed',
          rule: { max: perName, windowSeconds: 30 },
          keyOf: (req) => `test-${String(req.params.name)}`,
        },
      ]),
      (_req, res) => {
        res.json({ success: true });
      },
    );
    return app;
  };

  it('answers as the limiters in a row did: per address, then per key, with their headers', async () => {
    const app = chainApp(ctx.store, 3, 2);
    const name = crypto.randomUUID();
    const [ip, other] = [freshIp(), freshIp()];
    const get = (address: string, of = name) =>
      request(app).get(`/x/${of}`).set('X-Forwarded-For', address);
    const first = await get(ip);
    expect(first.status).toBe(200);
    // The last limit counted speaks in the headers.
    expect(first.headers).toMatchObject({
      'ratelimit-policy': '2;w=30',
      'ratelimit-limit': '2',
      'ratelimit-remaining': '1',
    });
    expect(Number(first.headers['ratelimit-reset'])).toBeGreaterThan(0);
    expect(Number(first.headers['ratelimit-reset'])).toBeLessThanOrEqual(30);
    expect((await get(other)).status).toBe(200);
    // The key's limit, from any address.
    const byKey = await get(freshIp());
    expectLimited(byKey, RATE_LIMIT_MESSAGES.calendarFeed);
    expect(Number(byKey.headers['retry-after'])).toBeLessThanOrEqual(30);
    expect(byKey.headers['ratelimit-remaining']).toBe('0');

    // The address's limit: refused by it, the request is not counted by the key's limit.
    const spare = crypto.randomUUID();
    for (let i = 0; i < 2; i += 1) expect((await get(ip, crypto.randomUUID())).status).toBe(200);
    const byIp = await get(ip, spare);
    expectLimited(byIp, RATE_LIMIT_MESSAGES.calendar);
    expect(byIp.headers['ratelimit-policy']).toBe('3;w=60');
    expectLimited(await get(ip, spare), RATE_LIMIT_MESSAGES.calendar);
    expect((await get(freshIp(), spare)).status).toBe(200);
    expect((await get(freshIp(), spare)).status).toBe(200);
  });

  it('lets requests through when the key store fails, and counts the failure', async () => {
    const failing = {
      ...ctx.store,
      countHits: () => Promise.reject(new Error('store down')),
    } as unknown as KeyStore;
    const errors = () => ctx.metrics.keyStoreErrors.get();
    const count = async () =>
      (await errors()).values.find((v) => v.labels.operation === 'rate_limit')?.value ?? 0;
    const before = await count();
    const app = chainApp(failing, 1, 1);
    for (let i = 0; i < 3; i += 1) {
      expect((await request(app).get('/x/a').set('X-Forwarded-For', freshIp())).status).toBe(200);
    }
    expect(await count()).toBe(before + 3);
  });
});

describe('configuration', () => {
  const env = (extra: Record<string, string>) => ({ ...process.env, ...extra });

  it('reads the limits and the HTTP timeouts', () => {
    const config = loadConfig(
      env({
        RATE_LIMIT_SMS_MAX: '3',
        RATE_LIMIT_SMS_WINDOW_SECONDS: '120',
        HTTP_REQUEST_TIMEOUT_MS: '60000',
        HTTP_HEADERS_TIMEOUT_MS: '15000',
      }),
    );
    expect(config.rateLimit.sms).toEqual({ max: 3, windowSeconds: 120 });
    expect(config.http).toMatchObject({ requestTimeoutMs: 60000, headersTimeoutMs: 15000 });
  });

  it('reports bad values together', () => {
    let message = '';
    try {
      loadConfig(
        env({
          RATE_LIMIT_WRITE_MAX: '0',
          RATE_LIMIT_LOGIN_WINDOW_SECONDS: 'soon',
          HTTP_REQUEST_TIMEOUT_MS: '5000',
          HTTP_HEADERS_TIMEOUT_MS: '10000',
        }),
      );
    } catch (err) {
      message = (err as Error).message;
    }
    for (const key of [
      'RATE_LIMIT_WRITE_MAX',
      'RATE_LIMIT_LOGIN_WINDOW_SECONDS',
      'HTTP_HEADERS_TIMEOUT_MS must not be longer',
    ]) {
      expect(message).toContain(key);
    }
  });
});
