import crypto from 'node:crypto';
import request from 'supertest';
import type { Group } from '../src/db/models';
import { CALENDAR } from '../src/calendar/messages';
import { useTestContext, type TestContext } from './support/context';
import { behindTheApp } from './support/read-cache';
import {
  apply,
  createFields,
  makeGroup,
  member,
  postGroup,
  testCalendar,
  type Member,
} from './support/groups';

/**
 * The rendered calendar feeds are cached per second and per generation
 * (src/calendar/feed-cache.ts). The clock stands still in each test, so every read falls in the
 * same second: the first test shows the cache is in use (a change written behind the app's back
 * is not seen), the others that each kind of write made through the app is seen by the very
 * next read.
 */
let ctx: TestContext;
let calendar: ReturnType<typeof testCalendar>;

useTestContext(
  (c) => {
    ctx = c;
    calendar = testCalendar(c);
  },
  {
    // Other test files bump generations in the shared key store; this file has its own.
    ownKeyStore: true,
    config: (base) => ({
      http: { ...base.http, trustProxy: ['loopback'] },
      rateLimit: {
        ...base.rateLimit,
        calendar: { max: 1000, feedMax: 1000, windowSeconds: 60 },
      },
    }),
  },
);
afterEach(() => {
  ctx.clock.reset();
});

const freshIp = () =>
  `10.${crypto.randomInt(256)}.${crypto.randomInt(256)}.${crypto.randomInt(1, 255)}`;

async function feedUrl(who: Member): Promise<string> {
  const res = await request(ctx.app).get('/user/calendar').set(who.headers).expect(200);
  return new URL((res.body as { url: string }).url).pathname;
}

const fetchFeed = (path: string) => request(ctx.app).get(path).set('X-Forwarded-For', freshIp());

/** The UIDs' run ids and the summaries of the feed at `path` (200 expected). */
async function runsOn(path: string): Promise<Map<string, string>> {
  const res = await fetchFeed(path).expect(200);
  expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
  const runs = new Map<string, string>();
  for (const event of res.text.split('BEGIN:VEVENT').slice(1)) {
    const unfolded = event.replace(/\r\n /g, '');
    const id = /UID:group-([^@]+)@/.exec(unfolded)![1];
    runs.set(id, /SUMMARY:(.*)\r\n/.exec(unfolded)![1]);
  }
  return runs;
}

const idsOf = (...groups: Group[]) => groups.map((g) => g.groupId).sort();
const ids = (runs: Map<string, string>) => [...runs.keys()].sort();

describe('The calendar feed cache', () => {
  it('Serves the rendered feed from the cache within the second: a change behind the app is not seen', async () => {
    const { at } = calendar.window();
    const runner = await member(ctx);
    const run = await makeGroup(runner.user, { date: at(2), title: '처음 제목' });
    const path = await feedUrl(runner);
    const first = await fetchFeed(path).expect(200);
    expect((await runsOn(path)).get(run.groupId)).toBe('처음 제목');

    await behindTheApp(ctx, 'UPDATE `Groups` SET `title` = ? WHERE `groupId` = ?', [
      '몰래 바꾼 제목',
      run.groupId,
    ]);
    const cached = await fetchFeed(path).expect(200);
    expect(cached.text).toBe(first.text);
    expect(cached.headers.etag).toBe(first.headers.etag);
    await fetchFeed(path).set('If-None-Match', String(first.headers.etag)).expect(304);
    // The next second reads the database again.
    ctx.clock.advance(1);
    expect((await runsOn(path)).get(run.groupId)).toBe('몰래 바꾼 제목');
  });

  it('Shows an application and its cancellation on the next read', async () => {
    const { at } = calendar.window();
    const host = await member(ctx);
    const runner = await member(ctx);
    const own = await makeGroup(runner.user, { date: at(1) });
    const run = await makeGroup(host.user, { date: at(3) });
    const path = await feedUrl(runner);
    expect(ids(await runsOn(path))).toEqual(idsOf(own));

    const applied = await request(ctx.app).post(`/group/${run.groupId}/apply`).set(runner.headers);
    expect(applied.status).toBe(200);
    expect(applied.body.data.applyState).toBe(true);
    expect(ids(await runsOn(path))).toEqual(idsOf(own, run));

    const cancelled = await request(ctx.app)
      .post(`/group/${run.groupId}/apply`)
      .set(runner.headers);
    expect(cancelled.body.data.applyState).toBe(false);
    expect(ids(await runsOn(path))).toEqual(idsOf(own));
  });

  it('Shows an edit, a deletion and a newly hosted run on the next read', async () => {
    const { at } = calendar.window();
    const host = await member(ctx);
    const runner = await member(ctx);
    const edited = await makeGroup(host.user, { date: at(4), title: '수정 전' });
    const deleted = await makeGroup(host.user, { date: at(5) });
    await apply(edited.groupId, runner.user);
    await apply(deleted.groupId, runner.user);
    const path = await feedUrl(runner);
    const hostPath = await feedUrl(host);
    expect(ids(await runsOn(path))).toEqual(idsOf(edited, deleted));
    expect(ids(await runsOn(hostPath))).toEqual(idsOf(edited, deleted));

    await request(ctx.app)
      .patch(`/group/${edited.groupId}`)
      .set(host.headers)
      .field('title', '수정 후')
      .expect(200);
    expect((await runsOn(path)).get(edited.groupId)).toBe('수정 후');

    await request(ctx.app).delete(`/group/${deleted.groupId}`).set(host.headers).expect(200);
    expect(ids(await runsOn(path))).toEqual(idsOf(edited));

    const created = await postGroup(ctx, host.headers, createFields(at(6), { title: '새 러닝' }));
    expect(created.status).toBe(201);
    const hosted = await runsOn(hostPath);
    expect(hosted.size).toBe(2);
    expect([...hosted.values()]).toContain('새 러닝');
  });

  it('Stops the old address on the next read after a revoke, and serves the new one', async () => {
    const { at } = calendar.window();
    const runner = await member(ctx);
    const run = await makeGroup(runner.user, { date: at(2) });
    const path = await feedUrl(runner);
    expect(ids(await runsOn(path))).toEqual(idsOf(run));

    await request(ctx.app).delete('/user/calendar').set(runner.headers).expect(200);
    const gone = await fetchFeed(path).expect(404);
    expect(gone.body).toEqual({ success: false, message: CALENDAR.notFound });

    // An unknown address is kept as such within the second; issuing it makes it known at once.
    const renewed = await feedUrl(runner);
    expect(renewed).not.toBe(path);
    expect(ids(await runsOn(renewed))).toEqual(idsOf(run));
    await fetchFeed(path).expect(404);
  });

  it('Stops the feed on the next read when its owner withdraws', async () => {
    const { at } = calendar.window();
    const runner = await member(ctx);
    await makeGroup(runner.user, { date: at(2) });
    const path = await feedUrl(runner);
    expect((await runsOn(path)).size).toBe(1);
    await request(ctx.app).delete('/user/delete').set(runner.headers).expect(200);
    await fetchFeed(path).expect(404);
  });
});
