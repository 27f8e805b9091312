import request from 'supertest';
import { Course, type User } from '../src/db/models';
import { courseViewsOf } from '../src/courses/views';
import { createTestContext, type TestContext } from './support/context';
import { courseForm, GUEST, headersFor, makeCourse, multipart } from './support/courses';
import {
  behindTheApp as writeBehindTheApp,
  changeNickname,
  useCacheTestContext,
} from './support/read-cache';
import { makeUser } from './support/users';

/**
 * The course feeds (`/course/all`, `/course/main`) and details are cached per second and per
 * generation (src/courses/course-caches.ts). Each test first shows the cache is in use — a
 * change written behind the app's back is not seen within the second — and then that a change
 * made through the app is seen by the very next read, in the same second. Viewer parts (the
 * bookmark flags, the view count) stay per viewer and per request.
 *
 * This file owns region 3 (인천) among the course lists; its courses are dated 2088, behind the
 * feed tests' (which head the all-region lists).
 */
let ctx: TestContext;
let as: ReturnType<typeof headersFor>;

useCacheTestContext((c) => {
  ctx = c;
  as = headersFor(ctx);
});

const INCHEON = '인천 연수구 송도동 24-5';
const FEED = '/course/all?region=3&sort=new&page=1&size=50';

interface Card {
  courseId: string;
  title: string;
  bookmark: boolean;
  starPoint: number;
  commentCnt: number;
}

const api = () => request(ctx.app);
const headers = async (user?: User) => (user ? as(user) : GUEST);

async function feed(viewer?: User): Promise<Card[]> {
  const res = await api()
    .get(FEED)
    .set(await headers(viewer));
  expect(res.status).toBe(200);
  return res.body.data.feed as Card[];
}

const card = async (courseId: string, viewer?: User) =>
  (await feed(viewer)).find((c) => c.courseId === courseId);

async function detail(courseId: string, viewer?: User) {
  return api()
    .get(`/course/detail/${courseId}`)
    .set(await headers(viewer));
}

/** A write the hooks do not see, as another tool editing the database would make. */
const behindTheApp = (courseId: string, title: string) =>
  writeBehindTheApp(ctx, 'UPDATE `Courses` SET `title` = ? WHERE `courseId` = ?', [
    title,
    courseId,
  ]);

/** Every test runs on a stopped clock of its own second (tokens are signed on it too). */
let second = Date.UTC(2088, 0, 1, 3);
let author: User;
let course: Course;

beforeEach(async () => {
  second += 10_000;
  ctx.clock.set(second);
  author = await makeUser();
  course = await makeCourse(author, {
    title: '처음 제목',
    location: INCHEON,
    region: 3,
    createdAt: new Date(second),
  });
});

describe('course feed cache', () => {
  it('keeps a page for the rest of its second, and reads it again in the next one', async () => {
    expect((await card(course.courseId))?.title).toBe('처음 제목');
    await behindTheApp(course.courseId, '몰래 바꾼 제목');
    expect((await card(course.courseId))?.title).toBe('처음 제목');
    ctx.clock.advance(1);
    expect((await card(course.courseId))?.title).toBe('몰래 바꾼 제목');
  });

  it('shows a course created, edited and deleted through the API at once', async () => {
    await feed();
    const created = await multipart(
      api()
        .post('/course')
        .set(await as(author)),
      courseForm({ location: INCHEON, title: '새 코스' }),
      1,
    );
    expect(created.status).toBe(201);
    const courseId = created.body.data.courseId as string;
    expect((await card(courseId))?.title).toBe('새 코스');

    const edited = await api()
      .patch(`/course/${courseId}`)
      .set(await as(author))
      .field('title', '고친 코스');
    expect(edited.status).toBe(200);
    expect((await card(courseId))?.title).toBe('고친 코스');

    const deleted = await api()
      .delete(`/course/${courseId}`)
      .set(await as(author));
    expect(deleted.status).toBe(200);
    expect(await card(courseId)).toBeUndefined();
  });

  it('shows a bookmark to its owner only, at once', async () => {
    const viewer = await makeUser();
    const other = await makeUser();
    expect((await card(course.courseId, viewer))?.bookmark).toBe(false);
    const marked = await api()
      .patch(`/course/${course.courseId}/bookmark`)
      .set(await as(viewer));
    expect(marked.status).toBe(200);
    expect((await card(course.courseId, viewer))?.bookmark).toBe(true);
    expect((await card(course.courseId, other))?.bookmark).toBe(false);
    expect((await card(course.courseId))?.bookmark).toBe(false);
  });

  it('shows a rating and a comment count at once', async () => {
    await feed();
    const rater = await makeUser();
    const rated = await api()
      .patch(`/course/${course.courseId}/starPoint`)
      .set(await as(rater))
      .send({ myStarPoint: 4 });
    expect(rated.status).toBe(200);
    expect((await card(course.courseId))?.starPoint).toBe(4);

    const commented = await api()
      .post(`/comment/course/${course.courseId}`)
      .set(await as(rater))
      .send({ content: '좋은 코스예요' });
    expect(commented.status).toBe(201);
    expect((await card(course.courseId))?.commentCnt).toBe(1);
  });

  it("drops a withdrawn author's courses at once", async () => {
    expect(await card(course.courseId)).toBeDefined();
    const res = await api()
      .delete('/user/delete')
      .set(await as(author));
    expect(res.status).toBe(200);
    expect(await card(course.courseId)).toBeUndefined();
  });
});

describe('course detail cache', () => {
  it('keeps a detail for the rest of its second, and reads it again in the next one', async () => {
    expect((await detail(course.courseId)).body.data.title).toBe('처음 제목');
    await behindTheApp(course.courseId, '몰래 바꾼 제목');
    expect((await detail(course.courseId)).body.data.title).toBe('처음 제목');
    ctx.clock.advance(1);
    expect((await detail(course.courseId)).body.data.title).toBe('몰래 바꾼 제목');
  });

  it('shows an edit and a deletion at once', async () => {
    await detail(course.courseId);
    const edited = await api()
      .patch(`/course/${course.courseId}`)
      .set(await as(author))
      .field('content', '고친 설명');
    expect(edited.status).toBe(200);
    expect((await detail(course.courseId)).body.data.content).toBe('고친 설명');

    const deleted = await api()
      .delete(`/course/${course.courseId}`)
      .set(await as(author));
    expect(deleted.status).toBe(200);
    expect((await detail(course.courseId)).status).toBe(404);
  });

  it("shows the author's new nickname at once", async () => {
    await detail(course.courseId);
    const res = await changeNickname(ctx, await as(author), author, `새닉${second % 100_000}`);
    expect(res.status).toBe(200);
    expect((await detail(course.courseId)).body.data.user.nickname).toBe(`새닉${second % 100_000}`);
  });

  it("keeps the bookmark per viewer and counts every viewer's view on the cached page", async () => {
    const viewer = await makeUser();
    const other = await makeUser();
    const marked = await api()
      .patch(`/course/${course.courseId}/bookmark`)
      .set(await as(viewer));
    expect(marked.status).toBe(200);
    const first = await detail(course.courseId, viewer);
    expect(first.body.data).toMatchObject({ bookmark: true, clickCnt: 1 });
    expect((await detail(course.courseId, other)).body.data).toMatchObject({
      bookmark: false,
      clickCnt: 2,
    });
    expect((await detail(course.courseId, viewer)).body.data).toMatchObject({
      bookmark: true,
      clickCnt: 2,
    });
    // A flush moves the pending views to the row: the cached page reads the row again.
    await courseViewsOf(ctx).flush();
    expect((await detail(course.courseId)).body.data.clickCnt).toBe(3);
    await courseViewsOf(ctx).flush();
    expect((await detail(course.courseId, other)).body.data.clickCnt).toBe(3);
  });
});

describe('READ_CACHE=false', () => {
  // Last in the file: a second context on the same database (its models are shared).
  it('answers what the cache answers, byte for byte, and reads the database every time', async () => {
    const viewer = await makeUser();
    const marked = await api()
      .patch(`/course/${course.courseId}/bookmark`)
      .set(await as(viewer));
    expect(marked.status).toBe(200);
    const cachedAnswers = new Map<string, request.Response>();
    // (The main page is the feed tests' own: their writes would race this comparison.)
    const urls = [FEED, `/course/detail/${course.courseId}`];
    for (const url of urls) {
      for (const user of [undefined, viewer]) {
        await api()
          .get(url)
          .set(await headers(user));
        cachedAnswers.set(
          `${url} ${user ? 'viewer' : 'guest'}`,
          await api()
            .get(url)
            .set(await headers(user)),
        );
      }
    }

    const uncached = await createTestContext({ cache: { groupLists: true, reads: false } });
    try {
      uncached.clock.set(second);
      const there = headersFor(uncached);
      // The view count moves with every counted view (compared in the views tests), and the
      // ranking is all regions' for a guest, kept 60 s in each app's key store while other files
      // write: both are left out of the comparison.
      const counted = (text: string) =>
        text
          .replace(/"clickCnt":\d+/, '"clickCnt":0')
          .replace(/,"rankingFeed":.*\},"preferData":/, '},"preferData":');
      for (const url of urls) {
        for (const user of [undefined, viewer]) {
          const cached = cachedAnswers.get(`${url} ${user ? 'viewer' : 'guest'}`);
          const fresh = await request(uncached.app)
            .get(url)
            .set(user ? await there(user) : GUEST);
          expect(cached?.status).toBe(200);
          expect(cached?.headers['content-type']).toBe(fresh.headers['content-type']);
          expect(counted(cached?.text ?? '')).toBe(counted(fresh.text));
        }
      }

      const title = async () => ({
        feed: ((await request(uncached.app).get(FEED).set(GUEST)).body.data.feed as Card[]).find(
          (c) => c.courseId === course.courseId,
        )?.title,
        detail: (await request(uncached.app).get(`/course/detail/${course.courseId}`)).body.data
          .title,
      });
      expect(await title()).toEqual({ feed: '처음 제목', detail: '처음 제목' });
      await behindTheApp(course.courseId, '몰래 바꾼 제목');
      expect(await title()).toEqual({ feed: '몰래 바꾼 제목', detail: '몰래 바꾼 제목' });
    } finally {
      await uncached.close();
    }
  });
});
