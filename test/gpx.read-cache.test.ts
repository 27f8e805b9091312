import request from 'supertest';
import type { User } from '../src/db/models';
import { COURSE } from '../src/courses/messages';
import { GROUP } from '../src/groups/messages';
import { ROUTE_UNREADABLE } from '../src/lib/gpx';
import { createTestContext, type TestContext } from './support/context';
import { headersFor, makeCourse } from './support/courses';
import { download } from './support/gpx';
import { GUEST, makeGroup, member, testCalendar, type Member } from './support/groups';
import { behindTheApp, useCacheTestContext } from './support/read-cache';
import { makeUser } from './support/users';

/**
 * The route files (`/group/:groupId/route.gpx`, `/course/:courseId/route.gpx`) are kept in the
 * run and course detail caches (src/groups/detail-cache.ts, src/courses/course-caches.ts),
 * written once per second and generation except their time. Each test first shows the cache is
 * in use — a change written behind the app's back is not seen within the second — and then
 * that a change made through the app is seen by the very next read, in the same second.
 */
let ctx: TestContext;
let calendar: ReturnType<typeof testCalendar>;
let as: ReturnType<typeof headersFor>;

useCacheTestContext((c) => {
  ctx = c;
  calendar = testCalendar(ctx);
  as = headersFor(ctx);
});

const ROUTE = [
  { lat: 37.5271, lng: 126.9326 },
  { lat: 37.52805, lng: 126.934011 },
];
const MOVED = [
  { lat: 35.1587, lng: 129.1604 },
  { lat: 35.1601, lng: 129.1632 },
];

/** A refusal, as JSON. */
const refused = (url: string) => request(ctx.app).get(url).set(GUEST);

interface Seen {
  title: string | undefined;
  time: string | undefined;
  points: number[];
}

/** The file's title, time and coordinates, read with patterns (the schema test is gpx.test.ts). */
async function file(url: string, app = ctx.app): Promise<Seen> {
  const res = await download(app, url);
  expect(res.status).toBe(200);
  const xml = res.body as string;
  return {
    title: /<trk>\s*<name>([^<]*)<\/name>/.exec(xml)?.[1],
    time: /<time>([^<]*)<\/time>/.exec(xml)?.[1],
    points: [...xml.matchAll(/<trkpt lat="([^"]+)" lon="([^"]+)"\/>/g)].flatMap((m) => [
      Number(m[1]),
      Number(m[2]),
    ]),
  };
}

const flat = (route: typeof ROUTE) => route.flatMap((p) => [p.lat, p.lng]);

describe('run route file cache', () => {
  let host: Member;
  let groupId: string;
  let url: string;

  beforeEach(async () => {
    const { at } = calendar.window();
    host = await member(ctx);
    const run = await makeGroup(host.user, {
      date: at(2),
      title: '처음 제목',
      mapLatLng: JSON.stringify(ROUTE),
    });
    groupId = run.groupId;
    url = `/group/${groupId}/route.gpx`;
  });

  it('keeps the file for the rest of its second, its time the request’s, and reads it again in the next one', async () => {
    const start = ctx.now();
    expect(await file(url)).toEqual({
      title: '처음 제목',
      time: start.toISOString(),
      points: flat(ROUTE),
    });
    await behindTheApp(
      ctx,
      'UPDATE `Groups` SET `title` = ?, `mapLatLng` = ? WHERE `groupId` = ?',
      ['몰래 바꾼 제목', JSON.stringify(MOVED), groupId],
    );
    ctx.clock.advance(0.25);
    // The same second: the kept file, made at this request's time.
    expect(await file(url)).toEqual({
      title: '처음 제목',
      time: new Date(start.getTime() + 250).toISOString(),
      points: flat(ROUTE),
    });
    ctx.clock.advance(1);
    expect(await file(url)).toMatchObject({ title: '몰래 바꾼 제목', points: flat(MOVED) });
  });

  it('keeps the file apart from the detail page of the same run', async () => {
    const detail = await request(ctx.app).get(`/group/detail/${groupId}`).set(GUEST);
    expect(detail.status).toBe(200);
    expect(detail.body.data.title).toBe('처음 제목');
    expect(await file(url)).toMatchObject({ title: '처음 제목', points: flat(ROUTE) });
    const again = await request(ctx.app).get(`/group/detail/${groupId}`).set(GUEST);
    expect(again.body).toEqual(detail.body);
  });

  it('shows an edit at once, and a deletion answers 404 at once', async () => {
    await file(url);
    const edited = await request(ctx.app)
      .patch(`/group/${groupId}`)
      .set(host.headers)
      .field('title', '고친 제목')
      .field('mapLatLng', JSON.stringify(MOVED));
    expect(edited.status).toBe(200);
    expect(await file(url)).toMatchObject({ title: '고친 제목', points: flat(MOVED) });

    const deleted = await request(ctx.app).delete(`/group/${groupId}`).set(host.headers);
    expect(deleted.status).toBe(200);
    const gone = await refused(url);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ success: false, message: GROUP.notFound });
  });

  it("answers 404 at once for a withdrawn host's run", async () => {
    await file(url);
    await request(ctx.app).delete('/user/delete').set(host.headers).expect(200);
    expect((await refused(url)).status).toBe(404);
  });

  it('answers 422 for an unreadable route, and shows the edit that mends it at once', async () => {
    await behindTheApp(ctx, 'UPDATE `Groups` SET `mapLatLng` = ? WHERE `groupId` = ?', [
      '[]',
      groupId,
    ]);
    ctx.clock.advance(1);
    const broken = await refused(url);
    expect(broken.status).toBe(422);
    expect(broken.body).toEqual({ success: false, message: ROUTE_UNREADABLE });
    const edited = await request(ctx.app)
      .patch(`/group/${groupId}`)
      .set(host.headers)
      .field('mapLatLng', JSON.stringify(MOVED));
    expect(edited.status).toBe(200);
    expect(await file(url)).toMatchObject({ points: flat(MOVED) });
  });
});

describe('course route file cache', () => {
  let author: User;
  let courseId: string;
  let url: string;

  beforeEach(async () => {
    calendar.window();
    author = await makeUser();
    const course = await makeCourse(author, {
      title: '처음 코스',
      mapLatLng: JSON.stringify(ROUTE),
    });
    courseId = course.courseId;
    url = `/course/${courseId}/route.gpx`;
  });

  it('keeps the file for the rest of its second, and reads it again in the next one', async () => {
    expect(await file(url)).toMatchObject({ title: '처음 코스', points: flat(ROUTE) });
    await behindTheApp(ctx, 'UPDATE `Courses` SET `title` = ? WHERE `courseId` = ?', [
      '몰래 바꾼 코스',
      courseId,
    ]);
    expect((await file(url)).title).toBe('처음 코스');
    // The detail page of the same course is kept under a key of its own (the same second).
    const detail = await request(ctx.app).get(`/course/detail/${courseId}`).set(GUEST);
    expect(detail.status).toBe(200);
    expect(detail.body.data.title).toBe('몰래 바꾼 코스');
    ctx.clock.advance(1);
    expect((await file(url)).title).toBe('몰래 바꾼 코스');
  });

  it('shows an edit at once, and a deletion answers 404 at once', async () => {
    await file(url);
    const edited = await request(ctx.app)
      .patch(`/course/${courseId}`)
      .set(await as(author))
      .field('title', '고친 코스')
      .field('mapLatLng', JSON.stringify(MOVED));
    expect(edited.status).toBe(200);
    expect(await file(url)).toMatchObject({ title: '고친 코스', points: flat(MOVED) });

    const deleted = await request(ctx.app)
      .delete(`/course/${courseId}`)
      .set(await as(author));
    expect(deleted.status).toBe(200);
    const gone = await refused(url);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ success: false, message: COURSE.notFound });
  });

  it("answers 404 at once for a withdrawn author's course", async () => {
    await file(url);
    await request(ctx.app)
      .delete('/user/delete')
      .set(await as(author))
      .expect(200);
    expect((await refused(url)).status).toBe(404);
  });
});

describe('READ_CACHE=false', () => {
  // Last in the file: a second context on the same database (its models are shared).
  it('answers what the cache answers, byte for byte, and reads the database every time', async () => {
    const { at } = calendar.window();
    const host = await member(ctx);
    const run = await makeGroup(host.user, {
      date: at(2),
      title: '처음 제목',
      mapLatLng: JSON.stringify(ROUTE),
    });
    const course = await makeCourse(host.user, {
      title: '처음 코스',
      mapLatLng: JSON.stringify(ROUTE),
    });
    const urls = [`/group/${run.groupId}/route.gpx`, `/course/${course.courseId}/route.gpx`];
    const cached = new Map<string, request.Response>();
    for (const url of urls) {
      await download(ctx.app, url);
      cached.set(url, await download(ctx.app, url));
    }

    const uncached = await createTestContext({ cache: { groupLists: true, reads: false } });
    try {
      uncached.clock.set(ctx.now());
      for (const url of urls) {
        const fresh = await download(uncached.app, url);
        expect(fresh.status).toBe(200);
        expect(fresh.headers['content-type']).toBe(cached.get(url)?.headers['content-type']);
        expect(fresh.headers['content-disposition']).toBe(
          cached.get(url)?.headers['content-disposition'],
        );
        expect(fresh.body).toBe(cached.get(url)?.body);
      }

      const titles = async () =>
        Promise.all(urls.map(async (url) => (await file(url, uncached.app)).title));
      expect(await titles()).toEqual(['처음 제목', '처음 코스']);
      await behindTheApp(ctx, 'UPDATE `Groups` SET `title` = ? WHERE `groupId` = ?', [
        '몰래 바꾼 제목',
        run.groupId,
      ]);
      await behindTheApp(ctx, 'UPDATE `Courses` SET `title` = ? WHERE `courseId` = ?', [
        '몰래 바꾼 코스',
        course.courseId,
      ]);
      expect(await titles()).toEqual(['몰래 바꾼 제목', '몰래 바꾼 코스']);
    } finally {
      await uncached.close();
    }
  });
});
