import request from 'supertest';
import { Course, type User } from '../src/db/models';
import { courseViewsOf, startCourseViewFlush } from '../src/courses/views';
import { useTestContext, type TestContext } from './support/context';
import { GUEST, headersFor, makeCourse } from './support/courses';
import { countQueries } from './support/comments';
import { makeUser } from './support/users';

/**
 * Course views are counted in the key store and written to `Courses.clickCnt` in batches
 * (src/courses/views.ts): the detail shows stored + pending at every moment, a flush writes
 * every pending course in one statement, and nothing counted is lost when the database or the
 * key store fails during a flush, or when the API stops.
 */
let ctx: TestContext;
let as: ReturnType<typeof headersFor>;
let author: User;
useTestContext(async (c) => {
  ctx = c;
  as = headersFor(ctx);
  author = await makeUser();
});

const stored = async (course: Course) =>
  ((await Course.findByPk(course.courseId)) as Course).clickCnt;

async function shown(course: Course, viewer?: User): Promise<number> {
  const res = await request(ctx.app)
    .get(`/course/detail/${course.courseId}`)
    .set(viewer ? await as(viewer) : GUEST);
  expect(res.status).toBe(200);
  return res.body.data.clickCnt as number;
}

describe('course view counts', () => {
  it('counts views in the key store and shows stored + pending, before and after a flush', async () => {
    const course = await makeCourse(author, { clickCnt: 40 });
    const viewers = [await makeUser(), await makeUser(), await makeUser()];
    expect(await shown(course, viewers[0])).toBe(41);
    expect(await shown(course, viewers[1])).toBe(42);
    expect(await shown(course, viewers[1])).toBe(42);
    // Nothing written yet: no UPDATE per view.
    expect(await stored(course)).toBe(40);
    expect(await shown(course, author)).toBe(42);

    await courseViewsOf(ctx).flush();
    expect(await stored(course)).toBe(42);
    expect(await shown(course, viewers[2])).toBe(43);
    expect(await shown(course)).toBe(44);
    await courseViewsOf(ctx).flush();
    expect(await stored(course)).toBe(44);
    // A flush with nothing pending writes nothing.
    expect(await courseViewsOf(ctx).flush()).toBe(0);
  });

  it('writes every pending course in one statement', async () => {
    const courses = [await makeCourse(author), await makeCourse(author), await makeCourse(author)];
    const viewers = [await makeUser(), await makeUser()];
    for (const course of courses) for (const viewer of viewers) await shown(course, viewer);
    let written = 0;
    const statements = await countQueries(ctx.sequelize, async () => {
      written = await courseViewsOf(ctx).flush();
    });
    expect(written).toBe(6);
    expect(statements).toBe(1);
    for (const course of courses) expect(await stored(course)).toBe(2);
  });

  it('keeps the views for the next flush when the database fails', async () => {
    const course = await makeCourse(author);
    await shown(course, await makeUser());
    const failing = jest
      .spyOn(ctx.sequelize, 'query')
      .mockRejectedValueOnce(new Error('database down'));
    try {
      expect(await courseViewsOf(ctx).flush()).toBe(0);
    } finally {
      failing.mockRestore();
    }
    expect(await stored(course)).toBe(0);
    expect(await shown(course)).toBe(2);
    await courseViewsOf(ctx).flush();
    expect(await stored(course)).toBe(2);
  });

  it('keeps the views in the store when taking them fails, for the next flush', async () => {
    const course = await makeCourse(author);
    await shown(course, await makeUser());
    const failing = jest.spyOn(ctx.store, 'take').mockRejectedValue(new Error('store down'));
    try {
      await courseViewsOf(ctx).flush();
    } finally {
      failing.mockRestore();
    }
    expect(await stored(course)).toBe(0);
    expect(await shown(course, author)).toBe(1);
    await courseViewsOf(ctx).flush();
    expect(await stored(course)).toBe(1);
  });

  it('flushes on its interval and writes what is left when stopped (graceful shutdown)', async () => {
    const course = await makeCourse(author);
    const flusher = startCourseViewFlush({
      ...ctx,
      config: { ...ctx.config, courses: { ...ctx.config.courses, viewFlushSeconds: 1 } },
    });
    try {
      await shown(course, await makeUser());
      const deadline = Date.now() + 5_000;
      while ((await stored(course)) !== 1 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(await stored(course)).toBe(1);
      await shown(course, await makeUser());
    } finally {
      await flusher.stop();
    }
    // Stopped right after the view, before the next tick: written by the stop itself.
    expect(await stored(course)).toBe(2);
    expect(await shown(course, author)).toBe(2);
  });
});
