import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { AUTH } from '../src/auth/messages';
import { Course, Group, User } from '../src/db/models';
import { MESSAGES } from '../src/lib/error-handler';
import { ImageRemoval } from '../src/uploads/image-removal.model';
import { createGroupRequestFields, until, userWithUploads } from './support/faults';
import { GUEST, makeGroup, member, postGroup, testCalendar } from './support/groups';
import { authHeaders, signIn, useTestContext, type TestContext } from './support/context';
import { PrivateRedis } from './support/redis-server';
import { randomMobile } from './support/users';

/**
 * Redis killed under a running app (a private redis-server, never the machine's shared one):
 * what needs the key store answers 503 with a clear message, what does not keeps working, and
 * the same app serves everything again once Redis is back, without being rebuilt.
 */
jest.setTimeout(60_000);

let redis: PrivateRedis;
let ctx: TestContext;
useTestContext(
  (c) => {
    ctx = c;
  },
  {
    config: async (base) => {
      redis = await PrivateRedis.start();
      return {
        store: { ...base.store, redisUrl: redis.url },
      };
    },
    ownImageDir: true,
    teardown: () => redis?.stop(),
  },
);

const seeRedisAgain = () =>
  until('the app to see Redis again', async () => {
    const res = await request(ctx.app).get('/health');
    return res.status === 200;
  });

const unavailable = { success: false, message: MESSAGES.unavailable };

it('Answers 503 where the key store is needed while Redis is down, serves the rest, and recovers by itself', async () => {
  const calendar = testCalendar(ctx);
  const day = calendar.window();
  const tel = randomMobile();
  const host = await member(ctx);
  const runner = await member(ctx);
  const group = await makeGroup(host.user, { date: day.at(5) });
  // Signed in before the fault: the access token itself is checked without the store.
  const expiring = await signIn(ctx, runner.user, 60);

  expect((await request(ctx.app).get('/health')).status).toBe(200);

  await redis.stop();

  // The store is needed: refreshing an expired token, texting a code, creating a run (its
  // double-submit guard lives in the store).
  const before = ctx.now();
  const later = new Date(before.getTime() + 120_000);
  ctx.clock.set(later);
  const refresh = await request(ctx.app).get('/user/auth').set(authHeaders(expiring));
  ctx.clock.set(before);
  expect(refresh.status).toBe(503);
  expect(refresh.body).toEqual(unavailable);
  expect(refresh.headers['retry-after']).toBe('5');

  const message = await request(ctx.app).post('/user/message').set(runner.headers).send({ tel });
  expect(message.status).toBe(503);
  expect(message.body).toEqual(unavailable);

  const title = `Redis 장애 중 러닝 ${Date.now()}`;
  const create = await postGroup(ctx, host.headers, createGroupRequestFields(day.at(3), { title }));
  expect(create.status).toBe(503);
  expect(create.body).toEqual(unavailable);
  expect(await Group.count({ where: { title } })).toBe(0);

  // Not needed: public lists and details, and any request with a valid access token.
  const list = await request(ctx.app).get('/group/all').set(GUEST);
  expect(list.status).toBe(200);
  expect(list.body.success).toBe(true);
  const detail = await request(ctx.app).get(`/group/detail/${group.groupId}`).set(GUEST);
  expect(detail.status).toBe(200);
  expect(detail.body.success).toBe(true);
  const me = await request(ctx.app).get('/user/auth').set(runner.headers);
  expect(me.status).toBe(200);

  const health = await request(ctx.app).get('/health');
  expect(health.status).toBe(503);
  expect(health.body).toMatchObject({
    database: { status: 'up' },
    store: { status: 'down', kind: 'redis' },
  });

  // Back on the same port, empty (it keeps nothing on disk): the client reconnects by itself.
  await redis.restart();
  await seeRedisAgain();

  // Sessions lived in the Redis that died: their access tokens no longer work either, so the
  // users sign in again; then the very same requests go through on the same app.
  const gone = await request(ctx.app).get('/user/auth').set(runner.headers);
  expect(gone.status).toBe(401);
  expect(gone.body).toEqual({ success: false, message: AUTH.tokenInvalid });
  const fresh = await signIn(ctx, runner.user, 60);
  ctx.clock.set(later);
  const refreshed = await request(ctx.app).get('/user/auth').set(authHeaders(fresh));
  ctx.clock.set(before);
  expect(refreshed.status).toBe(401);
  expect(typeof refreshed.body.token).toBe('string');

  const sent = await request(ctx.app)
    .post('/user/message')
    .set(authHeaders(await signIn(ctx, runner.user)))
    .send({ tel });
  expect(sent.status).toBe(200);

  const created = await postGroup(
    ctx,
    authHeaders(await signIn(ctx, host.user)),
    createGroupRequestFields(day.at(3), { title }),
  );
  expect(created.status).toBe(201);
  expect(await Group.count({ where: { title } })).toBe(1);
});

it('Withdrawal while Redis is down answers 503 and deletes nothing; once it is back, the account and every image file go', async () => {
  const { user, group, course, paths } = await userWithUploads(ctx);
  // Signed in before the fault: the access token itself is checked without the store.
  const headers = authHeaders(await signIn(ctx, user, 600));
  const onDisk = () => paths.filter((p) => fs.existsSync(path.join(ctx.imageDir, p)));
  expect(onDisk()).toEqual(paths);

  await redis.stop();
  const refused = await request(ctx.app).delete('/user/delete').set(headers);
  expect(refused.status).toBe(503);
  expect(refused.body).toEqual(unavailable);
  expect(await User.findByPk(user.userId)).not.toBeNull();
  expect(await Group.findByPk(group.groupId)).not.toBeNull();
  expect(await Course.findByPk(course.courseId)).not.toBeNull();
  expect(onDisk()).toEqual(paths);

  await redis.restart();
  await seeRedisAgain();
  // The restarted Redis is empty: the session went with it, so the user signs in again.
  const stale = await request(ctx.app).delete('/user/delete').set(headers);
  expect(stale.status).toBe(401);
  expect(await User.findByPk(user.userId)).not.toBeNull();
  const res = await request(ctx.app)
    .delete('/user/delete')
    .set(authHeaders(await signIn(ctx, user, 600)));
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ success: true, message: '회원탈퇴에 성공하였습니다.' });
  expect(await User.findByPk(user.userId)).toBeNull();
  expect(await Group.findByPk(group.groupId)).toBeNull();
  expect(await Course.findByPk(course.courseId)).toBeNull();
  await ctx.images.settled(); // the files go after the answer
  expect(onDisk()).toEqual([]);
  expect(await ImageRemoval.count({ where: { path: paths } })).toBe(0);
});
