import crypto from 'node:crypto';
import request from 'supertest';
import { DatabaseError } from 'sequelize';
import * as marks from '../src/courses/marks.queries';
import { Bookmark, Course, StarPoint, type User } from '../src/db/models';
import { useTestContext, type TestContext } from './support/context';
import { headersFor, makeCourse } from './support/courses';
import { makeUser } from './support/users';

/**
 * Many users marking neighbouring courses at once (the write rows of `npm run bench`): each
 * course's changes take turns on its row lock, and nothing may lock the index gaps the
 * courses' bookmarks and ratings share. A locking read or a DELETE of a bookmark or rating that
 * did not exist did, and on MySQL/MariaDB such toggles deadlocked (500s) under load.
 */
jest.setTimeout(120_000);

let ctx: TestContext;
let as: ReturnType<typeof headersFor>;

useTestContext((c) => {
  ctx = c;
  as = headersFor(ctx);
});

const WAYS = 16;

/** `WAYS` courses with adjacent ids (their marks are neighbours in every index), a user each. */
async function neighbours(): Promise<
  Array<{ course: Course; user: User; headers: Record<string, string> }>
> {
  const author = await makeUser();
  const prefix = `race-${crypto.randomUUID().slice(0, 8)}`;
  return Promise.all(
    Array.from({ length: WAYS }, async (_, i) => {
      const course = await makeCourse(author, {
        courseId: `${prefix}-${String(i).padStart(2, '0')}`,
        region: 1,
      });
      const user = await makeUser();
      return { course, user, headers: await as(user) };
    }),
  );
}

describe('marking neighbouring courses at once', () => {
  it('toggles every bookmark, round after round, without an error', async () => {
    const pairs = await neighbours();
    for (let round = 1; round <= 4; round += 1) {
      const answers = await Promise.all(
        pairs.map(({ course, headers }) =>
          request(ctx.app).patch(`/course/${course.courseId}/bookmark`).set(headers),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual(pairs.map(() => 200));
      expect(answers.map((a) => a.body.data.bookmark)).toEqual(pairs.map(() => round % 2 === 1));
    }
    const ids = pairs.map((p) => p.course.courseId);
    expect(await Bookmark.count({ where: { courseId: ids } })).toBe(0);
  });

  it('sets, changes and removes every rating, round after round, without an error', async () => {
    const pairs = await neighbours();
    const values = [3, 2, null, 4];
    for (const value of values) {
      const answers = await Promise.all(
        pairs.map(({ course, headers }) =>
          request(ctx.app)
            .patch(`/course/${course.courseId}/starPoint`)
            .set(headers)
            .send({ myStarPoint: value }),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual(pairs.map(() => 200));
      expect(answers.map((a) => a.body.data.myStarPoint)).toEqual(pairs.map(() => value ?? 0));
    }
    const ids = pairs.map((p) => p.course.courseId);
    expect(await StarPoint.count({ where: { courseId: ids, myStarPoint: 4 } })).toBe(WAYS);
    const stored = await Course.findAll({ where: { courseId: ids }, raw: true });
    expect(stored.map((c) => Number(c.starPoint))).toEqual(pairs.map(() => 4));
  });
});

describe('a transaction chosen as a deadlock victim', () => {
  afterEach(() => jest.restoreAllMocks());

  /** The error mysql2 gives Sequelize when InnoDB rolls a transaction back (1213). */
  const deadlock = () =>
    new DatabaseError(
      Object.assign(
        new Error('Deadlock found when trying to get lock; try restarting transaction'),
        {
          errno: 1213,
          code: 'ER_LOCK_DEADLOCK',
          sql: 'INSERT …',
        },
      ),
    );

  it('is run again, and the toggle answers as if nothing happened', async () => {
    const [{ course, user, headers }] = await neighbours();
    const insert = jest.spyOn(marks, 'insertBookmark').mockRejectedValueOnce(deadlock());
    const res = await request(ctx.app).patch(`/course/${course.courseId}/bookmark`).set(headers);
    expect(res.status).toBe(200);
    expect(res.body.data.bookmark).toBe(true);
    expect(insert).toHaveBeenCalledTimes(2);
    expect(
      await Bookmark.count({ where: { courseId: course.courseId, userId: user.userId } }),
    ).toBe(1);
  });

  it('gives up after three attempts, and other errors are not retried', async () => {
    const [{ course, headers }] = await neighbours();
    const insert = jest.spyOn(marks, 'insertBookmark').mockRejectedValue(deadlock());
    const res = await request(ctx.app).patch(`/course/${course.courseId}/bookmark`).set(headers);
    expect(res.status).toBe(500);
    expect(insert).toHaveBeenCalledTimes(3);

    insert.mockReset().mockRejectedValue(new Error('disk full'));
    const other = await request(ctx.app).patch(`/course/${course.courseId}/bookmark`).set(headers);
    expect(other.status).toBe(500);
    expect(insert).toHaveBeenCalledTimes(1);
  });
});
