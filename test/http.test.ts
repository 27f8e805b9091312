import request from 'supertest';
import { MESSAGES } from '../src/lib/error-handler';
import { redact } from '../src/lib/logger';
import { defaultGroupThumbnailUrl } from '../src/uploads';
import { createTestContext, useTestContext, type TestContext } from './support/context';
import { PrivateRedis } from './support/redis-server';

let ctx: TestContext;

useTestContext((c) => {
  ctx = c;
});

describe('HTTP basics', () => {
  it('An unknown route answers 404 with the error envelope', async () => {
    const res = await request(ctx.app).get('/no/such/route');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ success: false, message: MESSAGES.notFound });
  });

  it('The original test-login routes do not exist', async () => {
    for (const path of ['/testSignup', '/testlogin']) {
      const res = await request(ctx.app).post(path).send({ nickname: 'x', password: 'kakao' });
      expect(res.status).toBe(404);
      expect(res.body.token).toBeUndefined();
    }
  });

  it('Malformed JSON answers 400 without echoing the parser error', async () => {
    const res = await request(ctx.app)
      .delete('/user/logout')
      .set('Content-Type', 'application/json')
      .send('{"content": ');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ success: false, message: MESSAGES.badJson });
  });

  it('A body over 5 MB answers 413', async () => {
    const res = await request(ctx.app)
      .delete('/user/logout')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ content: 'x'.repeat(5 * 1024 * 1024 + 10) }));
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ success: false, message: MESSAGES.tooLarge });
  });

  it('Echoes a request id, keeping a sane incoming one', async () => {
    const fresh = await request(ctx.app).get('/health');
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await request(ctx.app).get('/health').set('x-request-id', 'lb-1234');
    expect(kept.headers['x-request-id']).toBe('lb-1234');
    const replaced = await request(ctx.app)
      .get('/health')
      .set('x-request-id', 'bad id with spaces');
    expect(replaced.headers['x-request-id']).not.toBe('bad id with spaces');
  });

  it("Allows the SPA's origin and its two token headers in a preflight", async () => {
    const res = await request(ctx.app)
      .options('/user/auth')
      .set('Origin', 'http://localhost:3000')
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'authorization,reauthorization,content-type');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:3000');
    expect(res.headers['access-control-allow-headers']).toMatch(/reauthorization/);
  });

  it('Does not allow other origins', async () => {
    const res = await request(ctx.app).get('/health').set('Origin', 'https://evil.example.com');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('Sends the security headers and no x-powered-by', async () => {
    const res = await request(ctx.app).get('/health');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('Lets pages on other origins show its images, while the API stays same-origin', async () => {
    const avatar = await request(ctx.app).get('/assets/default-profile.png');
    expect(avatar.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(ctx.images.storageKind).toBe('local');
    const thumbnailUrl = defaultGroupThumbnailUrl(ctx.config, '산') as string;
    const thumbnail = await request(ctx.app).get(new URL(thumbnailUrl).pathname);
    expect(thumbnail.status).toBe(200);
    expect(thumbnail.headers['cross-origin-resource-policy']).toBe('cross-origin');
    const api = await request(ctx.app).get('/health');
    expect(api.headers['cross-origin-resource-policy']).toBe('same-origin');
  });

  it('Serves the default avatar', async () => {
    const res = await request(ctx.app).get('/assets/default-profile.png');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
  });
});

describe('GET /health', () => {
  it('reports the database and the key store as up', async () => {
    const res = await request(ctx.app).get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      status: 'ok',
      database: { status: 'up', dialect: ctx.config.embedded ? 'sqlite' : 'mysql' },
      store: { status: 'up', kind: ctx.store.kind },
    });
  });

  it('GET /health/ready answers as /health; GET /health/live answers without any I/O', async () => {
    const ready = await request(ctx.app).get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual((await request(ctx.app).get('/health')).body);

    const query = jest.spyOn(ctx.sequelize, 'query');
    const ping = jest.spyOn(ctx.store, 'ping');
    try {
      const live = await request(ctx.app).get('/health/live');
      expect(live.status).toBe(200);
      expect(live.body).toEqual({ status: 'ok' });
      expect(query).not.toHaveBeenCalled();
      expect(ping).not.toHaveBeenCalled();
    } finally {
      query.mockRestore();
      ping.mockRestore();
    }
  });

  it('reports a stopped Redis as down with 503 (/health, /health/ready), keeps serving, and recovers when it is back', async () => {
    const redis = await PrivateRedis.start();
    const own = await createTestContext({ store: { ...ctx.config.store, redisUrl: redis.url } });
    try {
      expect((await request(own.app).get('/health')).status).toBe(200);
      await redis.stop();
      const down = await request(own.app).get('/health');
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({
        success: false,
        database: { status: 'up' },
        store: { status: 'down' },
      });
      // Not ready (the load balancer sends it nothing), but alive (no restart for an outage).
      const notReady = await request(own.app).get('/health/ready');
      expect(notReady.status).toBe(503);
      expect(notReady.body).toEqual(down.body);
      expect((await request(own.app).get('/health/live')).status).toBe(200);
      // Requests that do not need the store keep working.
      expect((await request(own.app).get('/nowhere')).status).toBe(404);

      await redis.restart();
      let status = 0;
      for (let i = 0; i < 100 && status !== 200; i += 1) {
        status = (await request(own.app).get('/health')).status;
        if (status !== 200) await new Promise((r) => setTimeout(r, 100));
      }
      expect(status).toBe(200);
    } finally {
      await own.close();
      await redis.stop();
    }
  });
});

describe('log redaction', () => {
  it('never lets tokens, phone numbers or codes through to a log line', () => {
    const line = redact(
      'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJ1c2VySWQiOiJ4In0.c2lnbmF0dXJl tel=010-1234-5678 {"code":"123456"}',
    );
    expect(line).not.toMatch(/eyJ|1234-5678|123456/);
    expect(line).toContain('[REDACTED');
  });
});
