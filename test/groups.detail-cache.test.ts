import request from 'supertest';
import { Group, User, Waiter } from '../src/db/models';
import * as detailQueries from '../src/groups/detail.queries';
import { GROUP } from '../src/groups/messages';
import { fromKst } from '../src/lib/time';
import { createTestContext } from './support/context';
import { behindTheApp, changeNickname, useCalendarCacheContext } from './support/read-cache';
import { apply, GUEST, makeGroup, member, testCalendar, type Member } from './support/groups';

/**
 * Run details (`/group/detail/:groupId`) are cached per second and per generation
 * (src/groups/detail-cache.ts). Each test first shows the cache is in use — a change written
 * behind the app's back is not seen within the second — and then that a change made through
 * the app is seen by the very next read, in the same second, with each viewer's own fields.
 */
const file = useCalendarCacheContext();

interface Detail {
  title: string;
  nickname: string;
  mannerPoint: number;
  applyState: boolean;
  chattingRoom: string;
  Appliers: Array<{ userId: string; nickname: string }>;
  waitingCount: number;
  waitlistPosition: number | null;
}

async function detail(groupId: string, headers: Record<string, string> = GUEST) {
  const res = await request(file.ctx.app).get(`/group/detail/${groupId}`).set(headers);
  return res;
}

async function data(groupId: string, headers: Record<string, string> = GUEST): Promise<Detail> {
  const res = await detail(groupId, headers);
  expect(res.status).toBe(200);
  return res.body.data as Detail;
}

const CHAT = 'https://open.kakao.com/o/abc';

describe('group detail cache', () => {
  let host: Member;
  let run: Group;
  let at: (days: number) => string;

  beforeEach(async () => {
    ({ at } = file.calendar.window());
    host = await member(file.ctx);
    run = await makeGroup(host.user, { date: at(2), title: '처음 제목', maxPeople: 2 });
  });

  it('keeps a detail for the rest of its second, and reads it again in the next one', async () => {
    const viewer = await member(file.ctx);
    expect((await data(run.groupId)).title).toBe('처음 제목');
    await behindTheApp(file.ctx, 'UPDATE `Groups` SET `title` = ? WHERE `groupId` = ?', [
      '몰래 바꾼 제목',
      run.groupId,
    ]);
    expect((await data(run.groupId)).title).toBe('처음 제목');
    // A signed-in viewer who neither applied nor waits is served the same kept detail.
    expect((await data(run.groupId, viewer.headers)).title).toBe('처음 제목');

    file.ctx.clock.set(file.ctx.now());
    file.ctx.clock.advance(1);
    expect((await data(run.groupId)).title).toBe('몰래 바꾼 제목');
  });

  it('shows an application and its cancellation at once, with applyState and the chat per viewer', async () => {
    const runner = await member(file.ctx);
    const other = await member(file.ctx);
    expect(await data(run.groupId, runner.headers)).toMatchObject({
      applyState: false,
      chattingRoom: '',
    });

    const applied = await request(file.ctx.app)
      .post(`/group/${run.groupId}/apply`)
      .set(runner.headers);
    expect(applied.status).toBe(200);
    const mine = await data(run.groupId, runner.headers);
    expect(mine).toMatchObject({ applyState: true, chattingRoom: CHAT });
    expect(mine.Appliers.map((a) => a.userId)).toEqual([host.user.userId, runner.user.userId]);
    // The kept entry is shared: nobody else gets the runner's fields.
    for (const headers of [other.headers, GUEST]) {
      const seen = await data(run.groupId, headers);
      expect(seen).toMatchObject({ applyState: false, chattingRoom: '' });
      expect(seen.Appliers).toHaveLength(2);
    }
    expect(await data(run.groupId, host.headers)).toMatchObject({
      applyState: true,
      chattingRoom: CHAT,
    });

    const cancelled = await request(file.ctx.app)
      .post(`/group/${run.groupId}/apply`)
      .set(runner.headers);
    expect(cancelled.status).toBe(200);
    const after = await data(run.groupId, runner.headers);
    expect(after).toMatchObject({ applyState: false, chattingRoom: '' });
    expect(after.Appliers.map((a) => a.userId)).toEqual([host.user.userId]);
  });

  it('shows the waitlist joined and left at once, each waiter their own place', async () => {
    const runner = await member(file.ctx);
    await apply(run.groupId, runner.user);
    const [first, second, other] = [
      await member(file.ctx),
      await member(file.ctx),
      await member(file.ctx),
    ];
    expect(await data(run.groupId, first.headers)).toMatchObject({
      waitingCount: 0,
      waitlistPosition: null,
    });
    for (const waiter of [first, second]) {
      const res = await request(file.ctx.app)
        .post(`/group/${run.groupId}/waitlist`)
        .set(waiter.headers);
      expect(res.status).toBe(200);
    }
    expect(await data(run.groupId, first.headers)).toMatchObject({
      waitingCount: 2,
      waitlistPosition: 1,
    });
    expect(await data(run.groupId, second.headers)).toMatchObject({
      waitingCount: 2,
      waitlistPosition: 2,
    });
    expect(await data(run.groupId, other.headers)).toMatchObject({
      waitingCount: 2,
      waitlistPosition: null,
    });

    const left = await request(file.ctx.app)
      .post(`/group/${run.groupId}/waitlist`)
      .set(first.headers);
    expect(left.status).toBe(200);
    expect(await data(run.groupId, second.headers)).toMatchObject({
      waitingCount: 1,
      waitlistPosition: 1,
    });
    expect((await data(run.groupId, first.headers)).waitlistPosition).toBeNull();

    // The runner's cancellation frees a seat: the waiter takes it, in the next read.
    await request(file.ctx.app).post(`/group/${run.groupId}/apply`).set(runner.headers).expect(200);
    expect(await data(run.groupId, second.headers)).toMatchObject({
      applyState: true,
      waitingCount: 0,
      waitlistPosition: null,
    });
  });

  it('shows an edit at once, and a deletion answers 404 at once', async () => {
    await data(run.groupId);
    const edited = await request(file.ctx.app)
      .patch(`/group/${run.groupId}`)
      .set(host.headers)
      .field('title', '고친 제목');
    expect(edited.status).toBe(200);
    expect((await data(run.groupId)).title).toBe('고친 제목');

    const deleted = await request(file.ctx.app).delete(`/group/${run.groupId}`).set(host.headers);
    expect(deleted.status).toBe(200);
    const gone = await detail(run.groupId);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ success: false, message: GROUP.notFound });
  });

  it("shows the host's and an applicant's new nicknames at once", async () => {
    const runner = await member(file.ctx);
    await apply(run.groupId, runner.user);
    await data(run.groupId);
    const renamed = (who: Member) => `새${who.user.userId.slice(0, 6)}`;
    for (const who of [host, runner]) {
      const res = await changeNickname(file.ctx, who.headers, who.user, renamed(who));
      expect(res.status).toBe(200);
    }
    const seen = await data(run.groupId);
    expect(seen.nickname).toBe(renamed(host));
    expect(seen.Appliers.map((a) => a.nickname)).toContain(renamed(runner));
  });

  it("drops a withdrawn applicant at once, and a withdrawn host's run answers 404", async () => {
    const runner = await member(file.ctx);
    await apply(run.groupId, runner.user);
    expect((await data(run.groupId)).Appliers).toHaveLength(2);
    await request(file.ctx.app).delete('/user/delete').set(runner.headers).expect(200);
    expect((await data(run.groupId)).Appliers.map((a) => a.userId)).toEqual([host.user.userId]);

    await request(file.ctx.app).delete('/user/delete').set(host.headers).expect(200);
    expect((await detail(run.groupId)).status).toBe(404);
  });

  it("shows the host's manner points moved by an evaluation at once", async () => {
    const runner = await member(file.ctx);
    await apply(run.groupId, runner.user);
    file.calendar.set(at(3), '12:00:00');
    expect((await data(run.groupId)).mannerPoint).toBe(50);
    const res = await request(file.ctx.app)
      .patch(`/group/evaluation/${run.groupId}`)
      .set(runner.headers)
      .send({ hostId: host.user.userId, point: 1, evaluationCategory: 2 });
    expect(res.status).toBe(200);
    expect((await User.findByPk(host.user.userId))?.mannerPoint).toBe(51);
    expect((await data(run.groupId)).mannerPoint).toBe(51);
  });

  it('closes recruitment at the second the run starts, without any write', async () => {
    const waiter = await member(file.ctx);
    await apply(run.groupId, (await member(file.ctx)).user);
    await request(file.ctx.app)
      .post(`/group/${run.groupId}/waitlist`)
      .set(waiter.headers)
      .expect(200);
    const start = fromKst(run.date, run.standbyTime).getTime();
    file.ctx.clock.set(start - 1000);
    expect(await data(run.groupId, waiter.headers)).toMatchObject({
      applyEndTime: '1 분',
      waitingCount: 1,
      waitlistPosition: 1,
    });
    file.ctx.clock.set(start);
    expect(await data(run.groupId, waiter.headers)).toMatchObject({
      applyEndTime: '0 일',
      waitingCount: 0,
      waitlistPosition: null,
    });
  });
});

describe('the detail statement', () => {
  it('carries names with quotes, backslashes and emoji through the JSON roster unchanged', async () => {
    const { at } = file.calendar.window();
    const host = await member(file.ctx, { nickname: '따"옴\\표😀' });
    const runner = await member(file.ctx, { nickname: 'r\'\n"}' });
    const run = await makeGroup(host.user, { date: at(1) });
    await apply(run.groupId, runner.user);
    const seen = await data(run.groupId);
    expect(seen.nickname).toBe('따"옴\\표😀');
    expect(seen.Appliers.map((a) => a.nickname)).toEqual(['따"옴\\표😀', 'r\'\n"}']);
  });
});

describe('the detail read in one statement and in three', () => {
  it('answers the same run, roster and waitlist, in the same orders', async () => {
    const { at } = file.calendar.window();
    const host = await member(file.ctx, { nickname: '다람쥐' });
    const run = await makeGroup(host.user, { date: at(1), maxPeople: 4 });
    const runners = await Promise.all(
      ['나비', '가람', 'Zebra'].map((n) => member(file.ctx, { nickname: n })),
    );
    await apply(run.groupId, ...runners.map((r) => r.user));
    const waiters = await Promise.all([member(file.ctx), member(file.ctx)]);
    for (const waiter of [waiters[1], waiters[0]]) {
      const res = await request(file.ctx.app)
        .post(`/group/${run.groupId}/waitlist`)
        .set(waiter.headers);
      expect(res.status).toBe(200);
    }

    const { inOne, apart } = detailQueries.detailStatements;
    const [one, three] = await Promise.all(
      [inOne, apart].map((read) => read(file.ctx.sequelize, run.groupId)),
    );
    expect(three).toEqual(one);
    expect(three?.roster.map((p) => p.nickname)).toEqual(['Zebra', '가람', '나비', '다람쥐']);
    expect(three?.queue).toEqual([waiters[1].user.userId, waiters[0].user.userId]);
    expect(await detailQueries.selectGroupDetail(file.ctx.sequelize, run.groupId)).toEqual(one);
    for (const read of [inOne, apart]) {
      expect(await read(file.ctx.sequelize, 'no-such-run')).toBeNull();
    }
  });
});

describe('a detail read across a promotion from the waitlist', () => {
  it('shows a user found both applied and waiting as an applicant only, in either form', async () => {
    const { at } = testCalendar(file.ctx).window();
    const host = await member(file.ctx);
    const run = await makeGroup(host.user, { date: at(1), maxPeople: 2 });
    const [promoted, waiting] = [await member(file.ctx), await member(file.ctx)];
    // What the queue's statement sees before the promotion and the roster's after it.
    await apply(run.groupId, promoted.user);
    await Waiter.bulkCreate(
      [promoted, waiting].map(({ user }) => ({
        groupId: run.groupId,
        userId: user.userId,
        createdAt: file.ctx.now(),
      })),
    );
    const { inOne, apart } = detailQueries.detailStatements;
    for (const read of [inOne, apart]) {
      const detail = await read(file.ctx.sequelize, run.groupId);
      expect(detail?.roster.map((p) => p.userId).sort()).toEqual(
        [host.user.userId, promoted.user.userId].sort(),
      );
      expect(detail?.queue).toEqual([waiting.user.userId]);
    }
  });
});

describe('READ_CACHE=false', () => {
  it('reads every detail from the database', async () => {
    const uncached = await createTestContext({ cache: { groupLists: true, reads: false } });
    try {
      const { at } = testCalendar(uncached).window();
      const host = await member(uncached);
      const run = await makeGroup(host.user, { date: at(1), title: '처음 제목' });
      const title = async () =>
        (await request(uncached.app).get(`/group/detail/${run.groupId}`).set(GUEST)).body.data
          .title as string;
      expect(await title()).toBe('처음 제목');
      await uncached.sequelize.query('UPDATE `Groups` SET `title` = ? WHERE `groupId` = ?', {
        replacements: ['몰래 바꾼 제목', run.groupId],
      });
      expect(await title()).toBe('몰래 바꾼 제목');
    } finally {
      await uncached.close();
    }
  });
});
