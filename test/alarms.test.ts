import crypto from 'node:crypto';
import request from 'supertest';
import * as alarmsService from '../src/alarms/alarms.service';
import { ALARM_CAP, createAlarms } from '../src/alarms/alarms.service';
import { AUTH } from '../src/auth/messages';
import { Alarm, Comment, type User } from '../src/db/models';
import { authHeaders, useTestContext, signIn, type TestContext } from './support/context';
import { makeCourseRow, makeGroupRow } from './support/comments';
import { makeUser } from './support/users';

let ctx: TestContext;

useTestContext((c) => {
  ctx = c;
});
afterEach(() => {
  ctx.clock.reset();
  jest.restoreAllMocks();
});

const api = () => request(ctx.app);
const as = async (user: User) => authHeaders(await signIn(ctx, user));
const comment = async (user: User, path: string, content: string) => {
  const res = await api()
    .post(`/comment/${path}`)
    .set(await as(user))
    .send({ content });
  expect(res.status).toBe(201);
  return res.body.data.find((c: { content: string }) => c.content === content).commentId as string;
};
const reply = async (user: User, commentId: string, content: string) => {
  const res = await api()
    .post(`/recomment/${commentId}`)
    .set(await as(user))
    .send({ content });
  expect(res.status).toBe(201);
};
const alarmsOf = async (user: User) => {
  const res = await api()
    .get('/alarm')
    .set(await as(user));
  expect(res.status).toBe(200);
  return res.body;
};
const stored = (user: User) =>
  Alarm.findAll({ where: { userId: user.userId }, order: [['createdAt', 'ASC']] });

describe('Who is notified', () => {
  it("A comment notifies the run's host, named after the commenter; the host's own does not", async () => {
    const [host, runner] = [await makeUser(), await makeUser()];
    const group = await makeGroupRow(host);
    const commentId = await comment(runner, `group/${group.groupId}`, '참여하고 싶어요');
    await comment(host, `group/${group.groupId}`, '환영합니다');

    expect(await stored(runner)).toHaveLength(0);
    const body = await alarmsOf(host);
    expect(body).toEqual({
      success: true,
      count: 1,
      unreadCount: 1,
      data: [
        {
          alarmId: expect.any(String),
          createdAt: '방금 전',
          category: 'comment',
          nickname: runner.nickname,
          courseId: null,
          courseTitle: null,
          groupId: group.groupId,
          groupTitle: group.title,
          role: null,
          check: false,
          commentId,
        },
      ],
    });
  });

  it("A course comment notifies the course's author with the course id and title", async () => {
    const [writer, reader] = [await makeUser(), await makeUser()];
    const course = await makeCourseRow(writer);
    await comment(reader, `course/${course.courseId}`, '좋아요');
    const { data } = await alarmsOf(writer);
    expect(data).toEqual([
      expect.objectContaining({
        category: 'comment',
        nickname: reader.nickname,
        courseId: course.courseId,
        courseTitle: course.title,
        groupId: null,
        groupTitle: null,
      }),
    ]);
  });

  it("A reply notifies the comment's author and the host, once each, never the replier", async () => {
    const [host, a, c] = [await makeUser(), await makeUser(), await makeUser()];
    const group = await makeGroupRow(host);
    const path = `group/${group.groupId}`;
    // Each step a second later, so each user's newest alarms are the step's.
    const { clock } = ctx;
    clock.set('2026-06-01T00:00:00Z');
    const byA = await comment(a, path, 'A의 댓글');
    const byHost = await comment(host, path, '호스트 댓글');
    const before = new Map<string, number>();
    const snapshot = async () => {
      clock.advance(1);
      for (const user of [host, a, c]) before.set(user.userId, (await stored(user)).length);
    };
    const added = async (user: User) =>
      (await stored(user)).slice(before.get(user.userId)).map((alarm) => alarm.category);
    await snapshot();

    await reply(c, byA, '제3자 답글');
    expect(await added(a)).toEqual(['recomment']);
    expect(await added(host)).toEqual(['recomment']);
    expect(await added(c)).toEqual([]);

    await snapshot();
    await reply(a, byA, '내 댓글에 답글');
    expect(await added(a)).toEqual([]);
    expect(await added(host)).toEqual(['recomment']);

    await snapshot();
    await reply(host, byA, '호스트 답글');
    expect(await added(a)).toEqual(['recomment']);
    expect(await added(host)).toEqual([]);

    await snapshot();
    await reply(host, byHost, '호스트 자문자답');
    for (const user of [host, a, c]) expect(await added(user)).toEqual([]);
  });

  it('A reply alarm names the replier and shows the parent comment, or null once it is gone', async () => {
    const [host, a, c] = [await makeUser(), await makeUser(), await makeUser()];
    const group = await makeGroupRow(host);
    const { clock } = ctx;
    clock.set('2026-06-01T00:00:00Z');
    const byA = await comment(a, `group/${group.groupId}`, '부모 댓글');
    clock.advance(1);
    await reply(c, byA, '답글');
    const [alarm] = (await alarmsOf(a)).data;
    expect(alarm).toMatchObject({
      category: 'recomment',
      nickname: c.nickname,
      groupId: group.groupId,
      groupTitle: group.title,
      commentId: byA,
      commentContent: '부모 댓글',
    });
    await Comment.destroy({ where: { commentId: byA } });
    expect((await alarmsOf(a)).data[0].commentContent).toBeNull();
    expect((await alarmsOf(host)).data[0]).toMatchObject({ category: 'recomment' });
  });

  it('A comment and its alarm commit together: a failed alarm leaves no comment', async () => {
    const [host, runner] = [await makeUser(), await makeUser()];
    const group = await makeGroupRow(host);
    jest.spyOn(alarmsService, 'createAlarms').mockRejectedValueOnce(new Error('alarm write'));
    const res = await api()
      .post(`/comment/group/${group.groupId}`)
      .set(await as(runner))
      .send({ content: '사라질 댓글' });
    expect(res.status).toBe(500);
    expect(res.body.success).toBe(false);
    expect(await Comment.count({ where: { groupId: group.groupId } })).toBe(0);
  });
});

describe('Reading and marking read', () => {
  it('Lists newest first with relative times and counts the unread; PATCH marks all read', async () => {
    const [host, a, b, other] = await Promise.all([makeUser(), makeUser(), makeUser(), makeUser()]);
    const group = await makeGroupRow(host);
    const otherGroup = await makeGroupRow(other);
    const { clock } = ctx;
    clock.set('2026-06-01T00:00:00Z');
    await comment(a, `group/${group.groupId}`, '첫째');
    clock.advance(3 * 3600);
    await comment(b, `group/${group.groupId}`, '둘째');
    await comment(a, `group/${otherGroup.groupId}`, '남의 글');
    clock.advance(120);

    const body = await alarmsOf(host);
    expect(body.unreadCount).toBe(2);
    expect(body.count).toBe(2);
    expect(
      body.data.map((x: { nickname: string; createdAt: string }) => [x.nickname, x.createdAt]),
    ).toEqual([
      [b.nickname, '2분 전'],
      [a.nickname, '3시간 전'],
    ]);

    const read = await api()
      .patch('/alarm')
      .set(await as(host));
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ success: true, message: '새 알람 모두 읽기에 성공했습니다' });
    const after = await alarmsOf(host);
    expect(after.unreadCount).toBe(0);
    expect(after.data.map((x: { check: boolean }) => x.check)).toEqual([true, true]);
    // Someone else's alarms stay unread.
    expect((await alarmsOf(other)).unreadCount).toBe(1);
  });

  it('Refuses guests with the auth messages the SPA turns into a login prompt', async () => {
    for (const method of ['get', 'patch'] as const) {
      const none = await api()[method]('/alarm');
      expect(none.status).toBe(401);
      expect(none.body).toEqual({ success: false, message: AUTH.headerMissing });
      const guest = await api()[method]('/alarm').set(authHeaders({}));
      expect(guest.status).toBe(401);
      expect(guest.body).toEqual({ success: false, message: AUTH.tokenInvalid });
    }
  });
});

describe(`The ${ALARM_CAP}-alarm cap`, () => {
  /** `n` older alarms, one second apart (`#0` the oldest). */
  const seed = (user: User, n: number, from: Date) =>
    Alarm.bulkCreate(
      Array.from({ length: n }, (_, i) => ({
        userId: user.userId,
        category: 'update',
        groupTitle: `#${i}`,
        createdAt: new Date(from.getTime() + i * 1000),
      })),
    );

  it('A new comment alarm pushes out the oldest once the host holds the cap', async () => {
    const [host, runner] = [await makeUser(), await makeUser()];
    await seed(host, ALARM_CAP, new Date('2026-01-01T00:00:00Z'));
    const group = await makeGroupRow(host);
    await comment(runner, `group/${group.groupId}`, '백한번째');
    const kept = await stored(host);
    expect(kept).toHaveLength(ALARM_CAP);
    expect(kept.map((x) => x.groupTitle)).not.toContain('#0');
    expect(kept.map((x) => x.groupTitle)).toContain('#1');
    expect(kept.at(-1)?.category).toBe('comment');
    const body = await alarmsOf(host);
    expect(body.data).toHaveLength(ALARM_CAP);
    expect(body.data[0].category).toBe('comment');
  });

  it('Keeps the newest per recipient when one call writes past the cap, inside a transaction', async () => {
    const [full, light] = [await makeUser(), await makeUser()];
    const now = new Date('2026-02-01T00:00:00Z');
    await seed(full, 10, new Date('2026-01-01T00:00:00Z'));
    await seed(light, 3, new Date('2026-01-01T00:00:00Z'));
    const rows = Array.from({ length: ALARM_CAP }, (_, i) => ({
      userId: full.userId,
      category: 'delete' as const,
      groupTitle: `new ${i}`,
    }));
    await ctx.sequelize.transaction(async (transaction) => {
      await createAlarms([...rows, { userId: light.userId, category: 'delete' }], {
        transaction,
        now,
      });
    });
    const kept = await stored(full);
    expect(kept).toHaveLength(ALARM_CAP);
    expect(kept.every((x) => x.category === 'delete')).toBe(true);
    expect(await stored(light)).toHaveLength(4);
  });

  it('Drops the lowest ids of the oldest instant when the cap falls inside alarms of one instant', async () => {
    const user = await makeUser();
    const now = new Date('2026-02-01T00:00:00Z');
    const rows = Array.from({ length: ALARM_CAP + 3 }, (_, i) => ({
      userId: user.userId,
      category: 'update' as const,
      groupTitle: `#${i}`,
    }));
    await createAlarms(rows, { now });
    const written = await Alarm.findAll({ where: { userId: user.userId }, raw: true });
    expect(written).toHaveLength(ALARM_CAP);
    // All of one instant: the trim compared the stored instant as equal, and kept the highest ids.
    expect(written.every((x) => new Date(x.createdAt).getTime() === now.getTime())).toBe(true);
    const ids = written.map((x) => x.alarmId).sort();
    // One more of the same instant: the lowest id goes, whichever it is: the new one's when it
    // is the lowest, else the lowest of the earlier ones.
    const idOf = jest.spyOn(crypto, 'randomUUID');
    try {
      idOf.mockReturnValueOnce('00000000-0000-4000-8000-000000000000');
      await createAlarms([{ userId: user.userId, category: 'update' }], { now });
      expect((await stored(user)).map((x) => x.alarmId).sort()).toEqual(ids);
      const highest = 'ffffffff-ffff-4fff-bfff-ffffffffffff';
      idOf.mockReturnValueOnce(highest);
      await createAlarms([{ userId: user.userId, category: 'update' }], { now });
      expect((await stored(user)).map((x) => x.alarmId).sort()).toEqual([...ids.slice(1), highest]);
    } finally {
      idOf.mockRestore();
    }
  });

  it('A user under the cap costs the trim one read and no delete', async () => {
    const user = await makeUser();
    await seed(user, ALARM_CAP - 1, new Date('2026-01-01T00:00:00Z'));
    const statements: string[] = [];
    const name = 'trim-statements';
    ctx.sequelize.addHook('afterQuery', name, (_options, query) => {
      statements.push(String((query as { sql?: unknown }).sql ?? ''));
    });
    try {
      await createAlarms([{ userId: user.userId, category: 'update' }], { now: new Date() });
    } finally {
      ctx.sequelize.removeHook('afterQuery', name);
    }
    expect(statements.map((sql) => sql.split(' ')[0])).toEqual(['INSERT', 'SELECT']);
    expect(await stored(user)).toHaveLength(ALARM_CAP);
  });

  it('Writes nothing when the calling transaction rolls back', async () => {
    const user = await makeUser();
    await expect(
      ctx.sequelize.transaction(async (transaction) => {
        await createAlarms([{ userId: user.userId, category: 'update' }], {
          transaction,
          now: new Date(),
        });
        throw new Error('the group edit failed');
      }),
    ).rejects.toThrow('the group edit failed');
    expect(await stored(user)).toHaveLength(0);
  });
});
