import request from 'supertest';
import { Applier, Group } from '../src/db/models';
import * as detailQueries from '../src/groups/detail.queries';
import * as groupsQueries from '../src/groups/groups.queries';
import { GROUP } from '../src/groups/messages';
import { ACCOUNT_READ } from './support/comments';
import { apply, GUEST, makeGroup, member, useCalendarContext, type Member } from './support/groups';

// Its lists of started runs (`finish=1`) are checked whole: no other file's run may come first.
const file = useCalendarContext({ last: true });

const list = (path: string, headers: Record<string, string> = GUEST) =>
  request(file.ctx.app).get(path).set(headers);

const ids = (body: { data: Array<{ groupId: string }> }) => body.data.map((g) => g.groupId);

/**
 * A known set of runs on one stretch of the calendar, the clock at 12:00 on its first day:
 * seven to come and two that have started.
 */
describe('GET /group/all', () => {
  let day: { today: string; at: (days: number) => string };
  let host: Member;
  const runs: Record<string, Group> = {};
  const name = new Map<string, string>();
  /** The known runs in a list, by their letters, in the list's order. */
  const known = (body: { data: Array<{ groupId: string }> }) =>
    ids(body)
      .filter((id) => name.has(id))
      .map((id) => name.get(id))
      .join('');

  beforeAll(async () => {
    day = file.calendar.window();
    host = await member(file.ctx);
    const spec: Array<[string, number, string, number, number, number, string]> = [
      // letter, day, time, slot, region, distance, theme
      ['P', -2, '10:00:00', 3, 1, 4, '강변'],
      ['S', 0, '09:00:00', 3, 1, 3, '강변'],
      ['Q', 0, '13:00:00', 4, 3, 7, '강변'],
      ['A', 1, '07:00:00', 2, 1, 3, '강변'],
      ['B', 1, '19:00:00', 5, 2, 5, '공원'],
      ['C', 2, '13:00:00', 4, 1, 9.99, '도시'],
      ['D', 3, '06:00:00', 2, 5, 10, '산'],
      ['E', 5, '21:00:00', 6, 9, 15, '트랙'],
      ['F', 8, '00:30:00', 1, 1, 22, '해변'],
    ];
    for (const [letter, offset, standbyTime, timecode, region, distance, thema] of spec) {
      const group = await makeGroup(host.user, {
        date: day.at(offset),
        standbyTime,
        timecode,
        region,
        distance,
        thema,
        title: `run ${letter}`,
      });
      runs[letter] = group;
      name.set(group.groupId, letter);
    }
  });
  beforeEach(() => file.calendar.set(day.today, '12:00:00'));

  const search = (query: string) => list(`/group/all?${query}`);

  it("Answers the SPA's first request with the runs to come, soonest first", async () => {
    const res = await search('date=&region=&time=&distance=&finish=0&thema=&page=1&size=100');
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    expect(known(res.body)).toBe('QABCDEF');
  });

  it.each([
    ['a date range', () => `date=${day.at(1)}/${day.at(3)}`, 'ABCD'],
    ['a date range with a trailing slash', () => `date=${day.at(1)}/${day.at(3)}/`, 'ABCD'],
    ['a start date only', () => `date=${day.at(2)}`, 'CDEF'],
    ["the SPA's open-ended range", () => `date=${day.at(2)}/1970-01-01`, 'CDEF'],
    ['one region', () => 'region=1', 'ACF'],
    ['region 9', () => 'region=9', 'E'],
    ['region 0 (everywhere)', () => 'region=0', 'QABCDEF'],
    ['one time slot', () => 'time=2/', 'AD'],
    ['two time slots', () => 'time=1/4/', 'QCF'],
    ['time slot 0 (any)', () => 'time=0/', 'QABCDEF'],
    ['distance under 5 km', () => 'distance=1/', 'A'],
    ['distance 5 to under 10 km (5.0 included, 9.99 too)', () => 'distance=2/', 'QBC'],
    ['distance 10 to under 15 km (10.0 included)', () => 'distance=3/', 'D'],
    ['distance 15 km and more', () => 'distance=4/', 'EF'],
    ['two bands that do not touch', () => 'distance=1/3/', 'AD'],
    ['a band without the trailing slash', () => 'distance=2', 'QBC'],
    ['one theme (encoded)', () => `thema=${encodeURIComponent('강변/')}`, 'QA'],
    ['two themes', () => `thema=${encodeURIComponent('도시/공원/')}`, 'BC'],
    ['all themes', () => `thema=${encodeURIComponent('전체/')}`, 'QABCDEF'],
    ['closed runs included, nearest to now first', () => 'finish=1', 'QABCDEFSP'],
    ['closed runs included, written 1/', () => 'finish=1/', 'QABCDEFSP'],
  ])('Filters by %s', async (_label, query, expected) => {
    const res = await search(`${query()}&page=1&size=100`);
    expect(res.status).toBe(200);
    expect(known(res.body)).toBe(expected);
  });

  it.each([
    [
      'region, distance and theme',
      () => `region=1&distance=4/&thema=${encodeURIComponent('해변/')}`,
      'F',
    ],
    [
      'dates, time slots and themes',
      () =>
        `date=${day.today}/${day.at(2)}&time=4/5/&thema=${encodeURIComponent('강변/공원/도시/')}`,
      'QBC',
    ],
    [
      'dates and a region with closed runs',
      () => `date=${day.at(-2)}/${day.today}&region=1&finish=1`,
      'SP',
    ],
    [
      'every filter as the SPA sends them',
      () =>
        `date=${day.today}/${day.at(8)}&region=1&time=1/2/4/&distance=1/2/4/&finish=0&thema=${encodeURIComponent('강변/도시/해변/')}`,
      'ACF',
    ],
  ])('Combines %s', async (_label, query, expected) => {
    const res = await search(`${query()}&page=1&size=100`);
    expect(known(res.body)).toBe(expected);
  });

  it('Slices pages in SQL: full pages while more may exist, then the rest', async () => {
    const range = `date=${day.today}/${day.at(8)}&finish=0`;
    const pages = [];
    for (const page of [1, 2, 3])
      pages.push(known((await search(`${range}&page=${page}&size=3`)).body));
    expect(pages).toEqual(['QAB', 'CDE', 'F']);
    expect((await search(`${range}&page=4&size=3`)).body.data).toEqual([]);
  });

  it('Pages through runs to come and then past runs seamlessly', async () => {
    const range = `date=${day.at(-2)}/${day.at(8)}&finish=1`;
    const pages = [];
    for (const page of [1, 2, 3])
      pages.push(known((await search(`${range}&page=${page}&size=4`)).body));
    expect(pages).toEqual(['QABC', 'DEFS', 'P']);
    expect(known((await search(`${range}&page=2&size=7`)).body)).toBe('SP');
  });

  it('Hides a run once it starts and counts down to its start', async () => {
    file.calendar.set(day.today, '12:59:00');
    let res = await search(`date=${day.today}/${day.today}&page=1&size=100`);
    expect(known(res.body)).toBe('Q');
    expect(res.body.data[0].applyEndTime).toBe('1 분');
    file.calendar.set(day.today, '13:00:00');
    res = await search(`date=${day.today}/${day.today}&page=1&size=100`);
    expect(known(res.body)).toBe('');
  });

  it('Returns the list card fields in their formats', async () => {
    const runner = await member(file.ctx);
    await apply(runs.A.groupId, runner.user);
    try {
      const res = await list(
        `/group/all?date=${day.at(1)}/${day.at(1)}&page=1&size=6`,
        runner.headers,
      );
      const [a, b] = res.body.data;
      const [y, m, d] = day.at(1).split('-');
      expect(a).toEqual({
        groupId: runs.A.groupId,
        title: 'run A',
        location: '서울 영등포구',
        distance: 3,
        date: expect.stringMatching(
          new RegExp(`^${y}\\.${m}\\.${d} \\([일월화수목금토]\\) 07:00$`),
        ),
        standbyTime: '07:00:00',
        maxPeople: 10,
        thumbnailUrl: expect.stringMatching(/\/groupthumbnail\/.+\.png$/),
        applyPeople: 2,
        userId: host.user.userId,
        applyEndTime: '1 일',
        thema: '강변',
        nickname: host.user.nickname,
        profileUrl: host.user.profileUrl,
        applyState: true,
      });
      expect([b.groupId, b.applyPeople, b.applyState]).toEqual([runs.B.groupId, 1, false]);
    } finally {
      await Applier.destroy({ where: { groupId: runs.A.groupId, userId: runner.user.userId } });
    }
  });

  it.each([
    'region=abc',
    'region=10',
    'region=1&region=2',
    'time=7/',
    'distance=5/',
    `thema=${encodeURIComponent('바다/')}`,
    'date=2023-13-01',
    'date=2023-01-01/2023-02-01/2023-03-01',
    'finish=2',
    'page=0',
    'size=101',
    'size=abc',
  ])('Refuses the malformed query %s with 400', async (query) => {
    const res = await search(query);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ success: false, message: GROUP.badSearch });
  });

  it('GET /group/main: the three runs starting soonest', async () => {
    const res = await list('/group/main');
    expect(res.status).toBe(200);
    expect(ids(res.body)).toEqual([runs.Q.groupId, runs.A.groupId, runs.B.groupId]);
  });

  describe('GET /group/prefer', () => {
    it("Lists the runs in the user's region and distance band, with the labels", async () => {
      const user = await member(file.ctx, { likeLocation: '1', likeDistance: '4' });
      const res = await list('/group/prefer?page=1&size=6', user.headers);
      expect(res.status).toBe(200);
      expect(known(res.body)).toBe('F');
      expect(res.body.preferData).toEqual({ likeLocation: '서울', likeDistance: '15km 이상' });
    });

    it('Does not filter by a distance not chosen, and says 미정', async () => {
      const user = await member(file.ctx, { likeLocation: '1', likeDistance: '0' });
      const res = await list('/group/prefer?page=1&size=100', user.headers);
      expect(known(res.body)).toBe('ACF');
      expect(res.body.preferData).toEqual({ likeLocation: '서울', likeDistance: '미정' });
      const closed = await list('/group/prefer?finish=1&page=1&size=100', user.headers);
      expect(known(closed.body)).toBe('ACFSP');
    });

    it('Needs a signed-in user', async () => {
      const res = await list('/group/prefer?page=1&size=6');
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ success: false, message: GROUP.loginRequired });
    });
  });
});

describe('GET /group/mypage and /group/complete', () => {
  it("Lists a host's runs, to come soonest first then past most recent first; attendance is the host's to see", async () => {
    const { today, at } = file.calendar.window();
    const host = await member(file.ctx);
    const past = await makeGroup(host.user, { date: at(1), standbyTime: '08:00:00' });
    const older = await makeGroup(host.user, { date: today, standbyTime: '08:00:00' });
    const later = await makeGroup(host.user, { date: at(6), standbyTime: '08:00:00' });
    const sooner = await makeGroup(host.user, { date: at(3), standbyTime: '08:00:00' });
    await Applier.update(
      { attendance: true },
      { where: { groupId: past.groupId, userId: host.user.userId } },
    );
    file.calendar.set(at(2), '00:00:00');
    const visitor = await member(file.ctx);
    await apply(later.groupId, visitor.user);

    const path = `/group/mypage?userId=${host.user.userId}`;
    const own = await list(path, host.headers);
    expect(own.status).toBe(200);
    expect(ids(own.body)).toEqual([sooner, later, past, older].map((g) => g.groupId));
    expect(own.body.data.map((g: { attendance: boolean }) => g.attendance)).toEqual([
      false,
      false,
      true,
      false,
    ]);
    expect(own.body.data.map((g: { applyEndTime: string }) => g.applyEndTime)).toEqual([
      '1 일',
      '4 일',
      '0 일',
      '0 일',
    ]);

    const seen = await list(path, visitor.headers);
    expect(ids(seen.body)).toEqual(ids(own.body));
    expect(seen.body.data.every((g: { attendance: boolean }) => g.attendance === false)).toBe(true);
    // applyState is the viewer's, not the profile owner's.
    expect(seen.body.data.map((g: { applyState: boolean }) => g.applyState)).toEqual([
      false,
      true,
      false,
      false,
    ]);
    expect((await list(path)).status).toBe(200);
  });

  it('Lists the started runs a user joined and did not host, with their evaluation for them only', async () => {
    const { at } = file.calendar.window();
    const runner = await member(file.ctx);
    const [hostA, hostB] = [await member(file.ctx), await member(file.ctx)];
    const first = await makeGroup(hostA.user, { date: at(1), standbyTime: '07:00:00' });
    const second = await makeGroup(hostB.user, { date: at(2), standbyTime: '07:00:00' });
    const upcoming = await makeGroup(hostB.user, { date: at(5), standbyTime: '07:00:00' });
    const hosted = await makeGroup(runner.user, { date: at(1), standbyTime: '09:00:00' });
    const notJoined = await makeGroup(hostA.user, { date: at(1), standbyTime: '10:00:00' });
    const other = await member(file.ctx);
    await apply(first.groupId, runner.user, other.user);
    await apply(second.groupId, runner.user);
    await apply(upcoming.groupId, runner.user);
    await Applier.update(
      { evaluation: 7 },
      { where: { groupId: first.groupId, userId: runner.user.userId } },
    );
    file.calendar.set(at(3), '00:00:00');

    const path = `/group/complete?userId=${runner.user.userId}`;
    const own = await list(path, runner.headers);
    expect(own.status).toBe(200);
    expect(ids(own.body)).toEqual([second.groupId, first.groupId]);
    expect(own.body.data.map((g: { applyPeople: number }) => g.applyPeople)).toEqual([2, 3]);
    expect(own.body.data.map((g: { evaluation: number }) => g.evaluation)).toEqual([0, 7]);
    expect(own.body.data.map((g: { userId: string }) => g.userId)).toEqual([
      hostB.user.userId,
      hostA.user.userId,
    ]);
    expect(ids(own.body)).not.toContain(hosted.groupId);
    expect(ids(own.body)).not.toContain(notJoined.groupId);

    const seen = await list(path, other.headers);
    expect(ids(seen.body)).toEqual(ids(own.body));
    expect(seen.body.data.map((g: { evaluation: number }) => g.evaluation)).toEqual([0, 0]);
    expect(seen.body.data.map((g: { applyState: boolean }) => g.applyState)).toEqual([false, true]);
  });

  it.each(['mypage', 'complete'])(
    '/group/%s answers 잘못된 유저입니다 without a known userId',
    async (category) => {
      const missing = await list(`/group/${category}`);
      expect(missing.status).toBe(400);
      expect(missing.body).toEqual({ success: false, message: GROUP.badUser });
      const unknown = await list(`/group/${category}?userId=nobody`);
      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual({ success: false, message: GROUP.badUser });
    },
  );
});

describe('Categories and query counts', () => {
  it.each(['/group/nothing', '/group/detail'])(
    '%s answers 404 불러오기 상태값이 올바르지 않습니다',
    async (path) => {
      const res = await list(path);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ success: false, message: GROUP.badCategory });
    },
  );

  /** The SQL statements one request runs, besides the signed-in account's (see `countQueries`). */
  async function queriesOf(path: string, headers: Record<string, string>) {
    const spy = jest.spyOn(file.ctx.sequelize, 'query');
    try {
      const res = await list(path, headers);
      expect(res.status).toBe(200);
      return spy.mock.calls.filter(([sql]) => !String(sql).includes(ACCOUNT_READ)).length;
    } finally {
      spy.mockRestore();
    }
  }

  it('Runs the same number of queries whatever the page size and the applicants', async () => {
    const { today, at } = file.calendar.window();
    const host = await member(file.ctx);
    const viewer = await member(file.ctx);
    const runners = await Promise.all(Array.from({ length: 6 }, () => member(file.ctx)));
    const groups = [];
    for (let i = 0; i < 20; i += 1) {
      const group = await makeGroup(host.user, {
        date: at(1 + (i % 5)),
        standbyTime: '08:00:00',
      });
      if (i % 2 === 0) await apply(group.groupId, ...runners.map((r) => r.user));
      groups.push(group);
    }
    await apply(groups[3].groupId, viewer.user);
    const range = `date=${today}/${at(6)}`;
    const small = await queriesOf(`/group/all?${range}&page=1&size=2`, viewer.headers);
    const large = await queriesOf(`/group/all?${range}&page=1&size=20`, viewer.headers);
    expect(large).toBe(small);
    const mine = `/group/mypage?userId=${host.user.userId}`;
    expect(await queriesOf(`${mine}&size=2`, viewer.headers)).toBe(
      await queriesOf(`${mine}&size=20`, viewer.headers),
    );
    // The first detail read of a MySQL-family pool asks which server it is (detail.queries.ts).
    await list(`/group/detail/${groups[2].groupId}`, viewer.headers);
    const crowded = await queriesOf(`/group/detail/${groups[0].groupId}`, viewer.headers);
    const empty = await queriesOf(`/group/detail/${groups[1].groupId}`, viewer.headers);
    expect(crowded).toBe(empty);
  });
});

describe('Unexpected failures', () => {
  it.each([
    ['/group/all', GROUP.listFailed],
    ['/group/detail/some-run', GROUP.detailFailed],
  ])('%s answers 500 with its own message, never the error', async (path, message) => {
    const failure = new TypeError('boom: secret detail');
    const spies = [
      jest.spyOn(groupsQueries, 'selectCards').mockRejectedValueOnce(failure),
      jest.spyOn(detailQueries, 'selectGroupDetail').mockRejectedValueOnce(failure),
    ];
    try {
      const res = await list(path);
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ success: false, message });
    } finally {
      spies.forEach((spy) => spy.mockRestore());
    }
  });
});
