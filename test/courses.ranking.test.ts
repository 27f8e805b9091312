import crypto from 'node:crypto';
import { QueryTypes } from 'sequelize';
import request from 'supertest';
import { findRankingIds } from '../src/courses/courses.queries';
import { courseViewsOf } from '../src/courses/views';
import type { Course, User } from '../src/db/models';
import { useTestContext, type TestContext } from './support/context';
import { headersFor, makeCourse } from './support/courses';
import { makeUser } from './support/users';

/**
 * The ranking's score is `Courses.rankScore` (comments + average stars + views), computed by the
 * database from the course row: it follows every write of the three, and the ranking reads its
 * order from an index. The feed's own tests check the ranking the SPA sees; here the score and
 * the order are checked against the writes, on a region of this file's own.
 */
let ctx: TestContext;
let as: ReturnType<typeof headersFor>;
let author: User;
/** A code no other file writes (regions are small integers). */
const REGION = 1_000 + crypto.randomInt(1_000_000);
/**
 * The year of this file's courses: behind the feed tests' (2089–2090), which head the lists by
 * date, and the read-cache tests' (2088).
 */
const BEHIND_THE_FEED_TESTS = 2080;
useTestContext(async (c) => {
  ctx = c;
  as = headersFor(ctx);
  author = await makeUser();
});

const api = () => request(ctx.app);

async function scores(courses: Course[]): Promise<number[]> {
  const rows = await ctx.sequelize.query<{ courseId: string; rankScore: number | string }>(
    'SELECT `courseId`, `rankScore` FROM `Courses` WHERE `region` = ?',
    { type: QueryTypes.SELECT, replacements: [REGION] },
  );
  const byId = new Map(rows.map((r) => [r.courseId, Math.round(Number(r.rankScore) * 10) / 10]));
  return courses.map((c) => byId.get(c.courseId) as number);
}

describe('The course ranking score', () => {
  it('follows comments, ratings and views, ties going to the newest course', async () => {
    const at = (day: number) => new Date(Date.UTC(BEHIND_THE_FEED_TESTS, 0, day));
    const [a, b, c] = [
      await makeCourse(author, { region: REGION, starPoint: null, createdAt: at(1) }),
      await makeCourse(author, { region: REGION, starPoint: null, createdAt: at(2) }),
      await makeCourse(author, { region: REGION, starPoint: null, createdAt: at(3) }),
    ];
    const names = new Map([a, b, c].map((course, i) => [course.courseId, 'ABC'[i]]));
    const ranking = async () =>
      (await findRankingIds(REGION, 3)).map((id) => names.get(id)).join('');
    expect(await scores([a, b, c])).toEqual([0, 0, 0]);
    expect(await ranking()).toBe('CBA');

    const commenter = await makeUser();
    for (let i = 0; i < 2; i += 1) {
      const res = await api()
        .post(`/comment/course/${a.courseId}`)
        .set(await as(commenter))
        .send({ content: '좋은 코스예요' });
      expect(res.status).toBe(201);
    }
    expect(await scores([a, b, c])).toEqual([2, 0, 0]);
    expect(await ranking()).toBe('ACB');

    for (const [stars, rater] of [
      [5, await makeUser()],
      [4, await makeUser()],
    ] as const) {
      const res = await api()
        .patch(`/course/${b.courseId}/starPoint`)
        .set(await as(rater))
        .send({ myStarPoint: stars });
      expect(res.status).toBe(200);
    }
    expect(await scores([a, b, c])).toEqual([2, 4.5, 0]);
    expect(await ranking()).toBe('BAC');

    for (let i = 0; i < 5; i += 1) {
      const viewer = await makeUser();
      const res = await api()
        .get(`/course/detail/${c.courseId}`)
        .set(await as(viewer));
      expect(res.status).toBe(200);
    }
    // Views count once flushed to the course row, as the ranking always read them.
    expect(await ranking()).toBe('BAC');
    await courseViewsOf(ctx).flush();
    expect(await scores([a, b, c])).toEqual([2, 4.5, 5]);
    expect(await ranking()).toBe('CBA');
  });

  it('reads one region, or every region, best first', async () => {
    const top = await makeCourse(author, {
      region: REGION + 1,
      clickCnt: 3,
      createdAt: new Date(Date.UTC(BEHIND_THE_FEED_TESTS, 1, 1)),
    });
    expect(await findRankingIds(REGION + 1, 3)).toEqual([top.courseId]);
    // Every region: the order of the score computed in full, as the ranking was read before
    // (no course here may head it: the feed tests check the guests' ranking exactly).
    const everyCourse = () =>
      ctx.sequelize.query<{ courseId: string }>(
        'SELECT `courseId` FROM `Courses` ORDER BY ' +
          '(`commentCnt` + COALESCE(`starPoint`, 0) + `clickCnt`) DESC, `createdAt` DESC, ' +
          '`courseId` DESC LIMIT 5',
        { type: QueryTypes.SELECT },
      );
    // Other files write courses meanwhile: compare when the full read agrees before and after.
    for (let attempt = 1; ; attempt += 1) {
      const before = (await everyCourse()).map((row) => row.courseId);
      const read = await findRankingIds(null, 5);
      const after = (await everyCourse()).map((row) => row.courseId);
      if (before.join() !== after.join() && attempt < 5) continue;
      expect(read).toEqual(before);
      break;
    }
  });
});
