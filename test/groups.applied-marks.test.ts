import crypto from 'node:crypto';
import request from 'supertest';
import { AppliedMarks } from '../src/groups/applied-marks';
import type { LatLng } from '../src/lib/route';
import { countQueries } from './support/comments';
import { createTestContext, type TestContext } from './support/context';
import { destination, ownCenter } from './support/geo';
import { behindTheApp, useCalendarCacheContext } from './support/read-cache';
import {
  apply,
  GUEST,
  makeGroup,
  member,
  testCalendar,
  type Member,
  type ListCard,
} from './support/groups';

/**
 * A signed-in viewer's applications ("applied marks", src/groups/applied-marks.ts) are kept per
 * process, so the `applyState` of a cached `/group/all` or `/group/near` page costs no
 * statement. Each test reads the page as a guest first after a write (the page is then a hit
 * for the viewer): the viewer's `applyState` must come from marks the write renewed.
 */
const file = useCalendarCacheContext();

const ALL = '/group/all?date=&region=8&time=&distance=&finish=0&thema=&page=1&size=6';

async function cards(app: TestContext['app'], url: string, headers: Record<string, string>) {
  const res = await request(app).get(url).set(headers);
  expect(res.status).toBe(200);
  return res.body.data as ListCard[];
}

describe('applied marks', () => {
  let host: Member;
  let viewer: Member;
  let center: LatLng;
  let runs: string[];
  let day: { today: string; at: (days: number) => string };

  const nearUrl = () => `/group/near?lat=${center.lat}&lng=${center.lng}&page=1&size=10`;

  /** The viewer's `applyState` of each run on both lists (undefined: not listed). */
  async function states(app = file.ctx.app, headers = viewer.headers) {
    const all = await cards(app, ALL, headers);
    const near = await cards(app, nearUrl(), headers);
    const of = (list: ListCard[]) =>
      runs.map((id) => list.find((card) => card.groupId === id)?.applyState);
    return { all: of(all), near: of(near) };
  }

  /** Both pages read by a guest first, so the viewer's next read is a page hit. */
  async function viewerStates(app = file.ctx.app, headers = viewer.headers) {
    await states(app, GUEST);
    return states(app, headers);
  }

  const post = (path: string, headers: Record<string, string>, app = file.ctx.app) =>
    request(app).post(path).set(headers).expect(200);

  beforeEach(async () => {
    day = file.calendar.window();
    host = await member(file.ctx);
    viewer = await member(file.ctx);
    center = ownCenter();
    runs = [];
    for (const km of [1, 2]) {
      const start = destination(center, km, 90);
      const run = await makeGroup(host.user, {
        date: day.at(1),
        region: 8,
        maxPeople: 2,
        mapLatLng: JSON.stringify([start, start]),
      });
      runs.push(run.groupId);
    }
    file.calendar.set(day.today, '12:00:00');
  });

  it('answers a page hit with 0 statements once kept, and keeps them (a write behind the app is not seen)', async () => {
    await post(`/group/${runs[0]}/apply`, viewer.headers);
    expect(await viewerStates()).toEqual({ all: [true, false], near: [true, false] });
    let seen: Awaited<ReturnType<typeof states>> | undefined;
    expect(
      await countQueries(file.ctx.sequelize, async () => {
        seen = await states();
      }),
    ).toBe(0);
    expect(seen).toEqual({ all: [true, false], near: [true, false] });
    // Kept: the marks are not read again, so a change no hook saw is not seen on a page hit.
    await behindTheApp(file.ctx, 'DELETE FROM `Appliers` WHERE `groupId` = ? AND `userId` = ?', [
      runs[0],
      viewer.user.userId,
    ]);
    expect(await states()).toEqual({ all: [true, false], near: [true, false] });
    // A minute later they are read again (the pages, in the same second of the app's clock, not).
    const later = Date.now() + 61_000;
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => later);
    try {
      expect(await states()).toEqual({ all: [false, false], near: [false, false] });
    } finally {
      clock.mockRestore();
    }
  });

  it('shows an application and its cancellation at the next read', async () => {
    expect(await viewerStates()).toEqual({ all: [false, false], near: [false, false] });
    await post(`/group/${runs[1]}/apply`, viewer.headers);
    expect(await viewerStates()).toEqual({ all: [false, true], near: [false, true] });
    await post(`/group/${runs[1]}/apply`, viewer.headers);
    expect(await viewerStates()).toEqual({ all: [false, false], near: [false, false] });
  });

  it("shows a seat given by another runner's cancellation (promotion from the waitlist)", async () => {
    const other = await member(file.ctx);
    await post(`/group/${runs[0]}/apply`, other.headers);
    await post(`/group/${runs[0]}/waitlist`, viewer.headers);
    expect(await viewerStates()).toEqual({ all: [false, false], near: [false, false] });
    // The other runner cancels: the viewer, first in the queue, takes the seat.
    await post(`/group/${runs[0]}/apply`, other.headers);
    expect(await viewerStates()).toEqual({ all: [true, false], near: [true, false] });
  });

  it("shows the viewer's seat freed by a withdrawn runner's account going to them", async () => {
    const other = await member(file.ctx);
    await apply(runs[1], other.user);
    await post(`/group/${runs[1]}/waitlist`, viewer.headers);
    expect(await viewerStates()).toEqual({ all: [false, false], near: [false, false] });
    await request(file.ctx.app).delete('/user/delete').set(other.headers).expect(200);
    expect(await viewerStates()).toEqual({ all: [false, true], near: [false, true] });
  });

  it('drops a deleted run and keeps the rest right', async () => {
    await post(`/group/${runs[0]}/apply`, viewer.headers);
    await post(`/group/${runs[1]}/apply`, viewer.headers);
    expect(await viewerStates()).toEqual({ all: [true, true], near: [true, true] });
    await request(file.ctx.app).delete(`/group/${runs[0]}`).set(host.headers).expect(200);
    expect(await viewerStates()).toEqual({ all: [undefined, true], near: [undefined, true] });
  });

  it("answers a withdrawn viewer's token 401, and the host's withdrawal takes their runs", async () => {
    await post(`/group/${runs[0]}/apply`, viewer.headers);
    expect(await viewerStates()).toEqual({ all: [true, false], near: [true, false] });
    await request(file.ctx.app).delete('/user/delete').set(host.headers).expect(200);
    expect(await viewerStates()).toEqual({
      all: [undefined, undefined],
      near: [undefined, undefined],
    });
    await request(file.ctx.app).delete('/user/delete').set(viewer.headers).expect(200);
    await request(file.ctx.app).get(ALL).set(viewer.headers).expect(401);
  });

  it('keeps a bounded number of users and none with too many applications', async () => {
    const marks = new AppliedMarks(file.ctx, { users: 2, perUser: 1 });
    const among = (user: Member) => marks.reader()(runs, user.user.userId);
    const statements = (user: Member) => countQueries(file.ctx.sequelize, () => among(user));
    const [first, second, third] = [viewer, await member(file.ctx), await member(file.ctx)];
    await apply(runs[0], first.user);
    await apply(runs[1], third.user);
    // The first read loads the marks, the next is answered from them.
    await among(first);
    expect([...(await among(first))]).toEqual([runs[0]]);
    expect(await statements(first)).toBe(0);
    expect(await statements(second)).toBe(1);
    expect(await statements(second)).toBe(0);
    // A third user: the least recently used (the first) is dropped.
    expect(await statements(third)).toBe(1);
    expect(await statements(third)).toBe(0);
    expect(await statements(first)).toBe(1);
    // The host applied to both runs (more than perUser): read per page, every time.
    const hostMember = host;
    expect([...(await among(hostMember))].sort()).toEqual([...runs].sort());
    expect(await statements(hostMember)).toBe(1);
    expect(await statements(hostMember)).toBe(1);
  });

  it('reads the applications of every page while the key store is down', async () => {
    const down = { ...file.ctx.store, get: () => Promise.reject(new Error('store down')) };
    const marks = new AppliedMarks({ ...file.ctx, store: down as typeof file.ctx.store });
    await apply(runs[0], viewer.user);
    for (let i = 0; i < 2; i += 1) {
      let seen = new Set<string>();
      const count = await countQueries(file.ctx.sequelize, async () => {
        seen = await marks.reader()(runs, viewer.user.userId);
      });
      expect([count, [...seen]]).toEqual([1, [runs[0]]]);
    }
  });
});

// Each of these builds a second app in this process, which the models then use: last in the file.
describe('two apps and READ_CACHE=false', () => {
  const ALL_URL = ALL;

  it("sees another process's write at the next read (the generation is shared)", async () => {
    const day = file.calendar.window();
    const host = await member(file.ctx);
    const viewer = await member(file.ctx);
    const run = await makeGroup(host.user, { date: day.at(1), region: 8 });
    file.calendar.set(day.today, '12:00:00');
    const state = async () => {
      await cards(file.ctx.app, ALL_URL, GUEST);
      const list = await cards(file.ctx.app, ALL_URL, viewer.headers);
      return list.find((card) => card.groupId === run.groupId)?.applyState;
    };
    expect(await state()).toBe(false);
    expect(await state()).toBe(false);
    const other = await createTestContext({ store: file.ctx.config.store });
    try {
      other.clock.set(file.ctx.now());
      await request(other.app).post(`/group/${run.groupId}/apply`).set(viewer.headers).expect(200);
      expect(await state()).toBe(true);
      await request(other.app).post(`/group/${run.groupId}/apply`).set(viewer.headers).expect(200);
      expect(await state()).toBe(false);
    } finally {
      await other.close();
    }
  });

  it('with READ_CACHE=false reads the applications of every page hit', async () => {
    const uncached = await createTestContext({
      store: file.ctx.config.store,
      cache: { groupLists: true, reads: false },
    });
    try {
      const own = testCalendar(uncached);
      const day = own.window();
      const host = await member(uncached);
      const viewer = await member(uncached);
      const run = await makeGroup(host.user, { date: day.at(1), region: 8 });
      own.set(day.today, '12:00:00');
      const state = async () =>
        (await cards(uncached.app, ALL_URL, viewer.headers)).find(
          (card) => card.groupId === run.groupId,
        )?.applyState;
      expect(await state()).toBe(false);
      expect(await countQueries(uncached.sequelize, state)).toBe(1);
      await uncached.sequelize.query(
        'INSERT INTO `Appliers` (`applyId`, `groupId`, `userId`, `attendance`, `evaluation`) VALUES (?, ?, ?, 0, 0)',
        {
          replacements: [crypto.randomUUID(), run.groupId, viewer.user.userId],
        },
      );
      expect(await state()).toBe(true);
    } finally {
      await uncached.close();
    }
  });
});
