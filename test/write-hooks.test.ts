import request from 'supertest';
import { Bookmark, Course } from '../src/db/models';
import type { TestContext } from './support/context';
import { headersFor, makeCourse } from './support/courses';
import { useCacheTestContext } from './support/read-cache';
import { makeUser } from './support/users';

/**
 * The read caches' generations are stored after a write commits (src/lib/write-hooks.ts), once
 * per cache and transaction however many of its statements touched the cache's models.
 */
let ctx: TestContext;
let as: ReturnType<typeof headersFor>;

useCacheTestContext((c) => {
  ctx = c;
  as = headersFor(ctx);
});

/** The generation keys stored while `act` runs, in order. */
async function generationsStoredBy(act: () => Promise<unknown>): Promise<string[]> {
  const set = jest.spyOn(ctx.store, 'set');
  try {
    await act();
    return set.mock.calls.map(([key]) => key).filter((key) => key.endsWith(':generation'));
  } finally {
    set.mockRestore();
  }
}

// Region 7 (경남/부산/울산), a location of that region: no other test file lists its courses.
const newCourse = async () =>
  makeCourse(await makeUser(), { location: '경남 창원시 의창구', region: 7 });

describe('after-commit cache generations', () => {
  it('a bookmark toggle (the bookmark, then its course) stores each watching cache once', async () => {
    const course = await newCourse();
    const user = await makeUser();
    const stored = await generationsStoredBy(async () => {
      const res = await request(ctx.app)
        .patch(`/course/${course.courseId}/bookmark`)
        .set(await as(user));
      expect(res.status).toBe(200);
    });
    // Bookmarks are watched by the feeds; the course row by the feeds, the details, the
    // comment threads and the alarm lists (a course's deletion takes its comments with it).
    expect([...stored].sort()).toEqual([
      'alarms:lists:generation',
      'comments:threads:generation',
      'courses:details:generation',
      'courses:feeds:generation',
    ]);
  });

  it('a rolled-back transaction stores none, and a write outside one stores at once', async () => {
    const course = await newCourse();
    const user = await makeUser();
    const rolledBack = await generationsStoredBy(async () => {
      await expect(
        ctx.sequelize.transaction(async (transaction) => {
          await Bookmark.create(
            { courseId: course.courseId, userId: user.userId },
            { transaction },
          );
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
    });
    expect(rolledBack).toEqual([]);
    expect(await Bookmark.count({ where: { courseId: course.courseId } })).toBe(0);

    const alone = await generationsStoredBy(() =>
      Course.update({ title: 'renamed' }, { where: { courseId: course.courseId } }),
    );
    expect([...alone].sort()).toEqual([
      'alarms:lists:generation',
      'comments:threads:generation',
      'courses:details:generation',
      'courses:feeds:generation',
    ]);
  });
});
