import request from 'supertest';
import { ALARM_CAP, createAlarms } from '../src/alarms/alarms.service';
import { Alarm, type User } from '../src/db/models';
import { runPrune } from '../src/jobs/prune';
import { ALARM_LISTS } from '../src/alarms/alarm-cache';
import { authHeaders, createTestContext, signIn, type TestContext } from './support/context';
import { behindTheApp, useCacheTestContext } from './support/read-cache';
import { makeGroupRow } from './support/comments';
import { makeUser } from './support/users';

/**
 * `GET /alarm` is cached per user, per second and per generation (src/alarms/alarm-cache.ts).
 * The clock stands still in each test, so every read falls in the same second: the first test
 * shows the cache is in use (a change behind the app's back is not seen), the others that a new
 * alarm, the read mark, a trim, the worker's writes and a reply's edited parent are seen by the
 * very next read.
 */
let ctx: TestContext;

useCacheTestContext((c) => {
  ctx = c;
});
let instant = Date.parse('2026-06-01T03:00:00Z');
beforeEach(() => {
  instant += 60_000;
  ctx.clock.set(new Date(instant));
});
afterEach(() => {
  ctx.clock.reset();
});

interface Body {
  count: number;
  unreadCount: number;
  data: Array<{ alarmId: string; category: string; check: boolean; commentContent?: string }>;
}

const api = () => request(ctx.app);
const as = async (user: User) => authHeaders(await signIn(ctx, user));

async function alarmsOf(headers: Record<string, string>): Promise<Body> {
  const res = await api().get('/alarm').set(headers);
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  return res.body as Body;
}

const alarm = (user: User, category: 'update' | 'delete' = 'update') =>
  createAlarms([{ userId: user.userId, category, groupTitle: '러닝' }], { now: ctx.now() });

describe('The alarm list cache', () => {
  it('Serves the list from the cache within the second, per user: a change behind the app is not seen', async () => {
    const [user, other] = [await makeUser(), await makeUser()];
    const [headers, otherHeaders] = [await as(user), await as(other)];
    await alarm(user);
    const first = await alarmsOf(headers);
    expect(first).toMatchObject({ count: 1, unreadCount: 1 });
    // Each user has an entry of their own.
    expect((await alarmsOf(otherHeaders)).count).toBe(0);

    await behindTheApp(ctx, 'UPDATE `Alarms` SET `check` = ? WHERE `userId` = ?', [
      true,
      user.userId,
    ]);
    expect(await alarmsOf(headers)).toEqual(first);
    ctx.clock.advance(1);
    expect((await alarmsOf(headers)).unreadCount).toBe(0);
  });

  it('Shows a new alarm written through the app (a comment on my run) and the read mark on the next read', async () => {
    const [host, runner] = [await makeUser(), await makeUser()];
    const headers = await as(host);
    const group = await makeGroupRow(host);
    expect((await alarmsOf(headers)).count).toBe(0);

    const posted = await api()
      .post(`/comment/group/${group.groupId}`)
      .set(await as(runner))
      .send({ content: '같이 달려요' });
    expect(posted.status).toBe(201);
    expect(await alarmsOf(headers)).toMatchObject({ count: 1, unreadCount: 1 });

    await api().patch('/alarm').set(headers).expect(200);
    const read = await alarmsOf(headers);
    expect(read).toMatchObject({ count: 1, unreadCount: 0 });
    expect(read.data[0].check).toBe(true);
  });

  it("Shows a reply's edited parent comment on the next read", async () => {
    const [host, runner] = [await makeUser(), await makeUser()];
    const group = await makeGroupRow(host);
    const posted = await api()
      .post(`/comment/group/${group.groupId}`)
      .set(await as(runner))
      .send({ content: '몇 시에 모여요?' });
    const commentId = (posted.body.data as Array<{ commentId: string; content: string }>).find(
      (c) => c.content === '몇 시에 모여요?',
    )!.commentId;
    await api()
      .post(`/recomment/${commentId}`)
      .set(await as(host))
      .send({ content: '7시요' })
      .expect(201);
    const headers = await as(runner);
    const before = await alarmsOf(headers);
    expect(before.data.find((a) => a.category === 'recomment')?.commentContent).toBe(
      '몇 시에 모여요?',
    );

    await api()
      .patch(`/comment/${commentId}`)
      .set(await as(runner))
      .send({ content: '몇 시에 모이나요?' })
      .expect(200);
    const after = await alarmsOf(headers);
    expect(after.data.find((a) => a.category === 'recomment')?.commentContent).toBe(
      '몇 시에 모이나요?',
    );
  });

  it("Shows the worker's writes on the next read: its bulk alarms and its pruning past the cap", async () => {
    const user = await makeUser();
    const headers = await as(user);
    expect((await alarmsOf(headers)).count).toBe(0);

    // The worker's reminders: one bulk insert, not trimmed on write.
    const at = ctx.now();
    await Alarm.bulkCreate(
      Array.from({ length: ALARM_CAP + 5 }, (_, i) => ({
        userId: user.userId,
        category: 'Dday',
        role: 'attendance',
        groupTitle: `러닝 ${i}`,
        createdAt: new Date(at.getTime() - i * 1000),
      })),
      { ignoreDuplicates: true },
    );
    const listed = await alarmsOf(headers);
    expect(listed.count).toBe(ALARM_CAP);
    expect(await Alarm.count({ where: { userId: user.userId } })).toBe(ALARM_CAP + 5);

    // Its pruning keeps the newest ALARM_CAP (the ones listed) and stores a new generation.
    const generation = () => ctx.store.get(`${ALARM_LISTS.name}:generation`);
    const before = await generation();
    await runPrune(ctx, { now: at });
    expect(await Alarm.count({ where: { userId: user.userId } })).toBe(ALARM_CAP);
    expect(await generation()).not.toBe(before);
    expect(await alarmsOf(headers)).toEqual(listed);

    // Behind the app: still cached. A new alarm, trimmed on write through the models: seen.
    await behindTheApp(ctx, 'UPDATE `Alarms` SET `check` = ? WHERE `userId` = ?', [
      true,
      user.userId,
    ]);
    expect((await alarmsOf(headers)).unreadCount).toBe(ALARM_CAP);
    await alarm(user, 'delete');
    const trimmed = await alarmsOf(headers);
    expect(trimmed.count).toBe(ALARM_CAP);
    expect(trimmed.unreadCount).toBe(1);
    expect(trimmed.data.filter((a) => !a.check).map((a) => a.category)).toEqual(['delete']);
  });
});

describe('READ_CACHE=false', () => {
  it('reads every list from the database, and its writes still store a new generation for processes with the cache on', async () => {
    const uncached = await createTestContext({
      cache: { groupLists: true, reads: false },
      store: ctx.config.store,
    });
    try {
      const user = await makeUser();
      const headers = authHeaders(await signIn(uncached, user));
      const read = async () => {
        const res = await request(uncached.app).get('/alarm').set(headers);
        expect(res.status).toBe(200);
        return res.body as Body;
      };
      const generation = () => uncached.store.get(`${ALARM_LISTS.name}:generation`);
      const before = await generation();
      await createAlarms([{ userId: user.userId, category: 'update' }], { now: new Date() });
      const bumped = await generation();
      expect(bumped).not.toBeNull();
      expect(bumped).not.toBe(before);
      expect((await read()).unreadCount).toBe(1);
      await uncached.sequelize.query('UPDATE `Alarms` SET `check` = ? WHERE `userId` = ?', {
        replacements: [true, user.userId],
      });
      expect((await read()).unreadCount).toBe(0);
    } finally {
      await uncached.close();
    }
  });
});
