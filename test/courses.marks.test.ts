import request from 'supertest';
import { Bookmark, Course, StarPoint, type User } from '../src/db/models';
import { forgetCourseActivityOf, starPointOf, storedStarPoint } from '../src/courses/stats';
import { useTestContext, type TestContext } from './support/context';
import { GUEST, headersFor, makeCourse, mark } from './support/courses';
import { makeUser } from './support/users';

let ctx: TestContext;
let as: ReturnType<typeof headersFor>;

useTestContext((c) => {
  ctx = c;
  as = headersFor(ctx);
});

const api = () => request(ctx.app);
// These tests use region 2 (경기); the feed tests own 8 and 9.
const newCourse = async (author?: User) =>
  makeCourse(author ?? (await makeUser()), { location: '경기 성남시 분당구', region: 2 });

const toggle = async (user: User, courseId: string) =>
  api()
    .patch(`/course/${courseId}/bookmark`)
    .set(await as(user));
const rate = async (user: User, courseId: string, myStarPoint: unknown) =>
  api()
    .patch(`/course/${courseId}/starPoint`)
    .set(await as(user))
    .send({ myStarPoint });
const ratingOf = async (courseId: string, user?: User) =>
  api()
    .get(`/course/${courseId}/starPoint`)
    .set(user ? await as(user) : GUEST);
const stored = async (courseId: string) =>
  (await Course.findByPk(courseId, { attributes: ['starPoint', 'bookmarkCnt'], raw: true })) as {
    starPoint: number;
    bookmarkCnt: number;
  };

describe('PATCH /course/:courseId/bookmark', () => {
  it('toggles the user’s bookmark and answers it as a real boolean', async () => {
    const course = await newCourse();
    const user = await makeUser();
    const on = await toggle(user, course.courseId);
    expect(on.status).toBe(200);
    expect(on.body).toEqual({ success: true, data: { bookmark: true } });
    expect(await Bookmark.count({ where: { courseId: course.courseId } })).toBe(1);
    expect((await stored(course.courseId)).bookmarkCnt).toBe(1);

    const off = await toggle(user, course.courseId);
    expect(off.body).toEqual({ success: true, data: { bookmark: false } });
    expect(await Bookmark.count({ where: { courseId: course.courseId } })).toBe(0);
    expect((await stored(course.courseId)).bookmarkCnt).toBe(0);
  });

  it('survives a double click: the two answers alternate and the count matches the rows', async () => {
    const course = await newCourse();
    const user = await makeUser();
    const answers = await Promise.all([
      toggle(user, course.courseId),
      toggle(user, course.courseId),
      toggle(user, course.courseId),
    ]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    const flags = answers.map((r) => r.body.data.bookmark as boolean).sort();
    expect(flags).toEqual([false, true, true]);
    expect(await Bookmark.count({ where: { courseId: course.courseId } })).toBe(1);
    expect((await stored(course.courseId)).bookmarkCnt).toBe(1);
  });

  it('counts every user’s bookmark once', async () => {
    const course = await newCourse();
    const users = [await makeUser(), await makeUser(), await makeUser()];
    await Promise.all(users.map((u) => toggle(u, course.courseId)));
    expect((await stored(course.courseId)).bookmarkCnt).toBe(3);
  });

  it('needs a signed-in user and an existing course', async () => {
    const course = await newCourse();
    const guest = await api().patch(`/course/${course.courseId}/bookmark`).set(GUEST);
    expect(guest.status).toBe(401);
    const missing = await toggle(await makeUser(), 'no-such-course');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ success: false, message: '해당 게시물이 존재하지 않습니다' });
  });
});

describe('starPoint, defined once', () => {
  it.each([
    [0, 0, 0],
    [1, 3, 0.3],
    [2, 3, 0.7],
    [81, 20, 4.1],
    [83, 20, 4.2],
    [17, 4, 4.3],
    [87, 20, 4.4],
    [5, 1, 5],
  ])('of a total of %i over %i ratings is %d (a half rounds up)', (total, people, expected) => {
    expect(starPointOf(total, people)).toBe(expected);
  });

  it('reads a stored FLOAT back as one decimal, and NULL as 0', () => {
    expect(storedStarPoint(4.300000190734863)).toBe(4.3);
    expect(storedStarPoint('3.7')).toBe(3.7);
    expect(storedStarPoint(null)).toBe(0);
  });
});

describe('Star ratings', () => {
  it('answer 0 (a number, never "NaN") and nobody for a course without ratings', async () => {
    const course = await newCourse();
    const res = await ratingOf(course.courseId);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      data: { starPoint: 0, starPeople: 0, myStarPoint: 0 },
    });
  });

  it('set, change and remove (null) the viewer’s rating; the average is rounded to one decimal', async () => {
    const course = await newCourse();
    const [a, b, c] = [await makeUser(), await makeUser(), await makeUser()];
    const id = course.courseId;

    expect((await rate(a, id, 4)).body).toEqual({
      success: true,
      data: { starPoint: 4, starPeople: 1, myStarPoint: 4 },
    });
    expect((await rate(b, id, 5)).body.data).toEqual({
      starPoint: 4.5,
      starPeople: 2,
      myStarPoint: 5,
    });
    // (4 + 5 + 5) / 3 = 4.666… → 4.7
    expect((await rate(c, id, 5)).body.data).toMatchObject({ starPoint: 4.7, starPeople: 3 });
    // (2 + 5 + 5) / 3 = 4.0: a change, not a second rating
    expect((await rate(a, id, 2)).body.data).toMatchObject({ starPoint: 4, starPeople: 3 });
    expect((await stored(id)).starPoint).toBe(4);

    expect((await ratingOf(id, a)).body.data).toEqual({
      starPoint: 4,
      starPeople: 3,
      myStarPoint: 2,
    });
    expect((await ratingOf(id, b)).body.data.myStarPoint).toBe(5);
    expect((await ratingOf(id)).body.data.myStarPoint).toBe(0);

    // The SPA sends null when the selected star is clicked again: the rating goes.
    expect((await rate(b, id, null)).body.data).toEqual({
      starPoint: 3.5,
      starPeople: 2,
      myStarPoint: 0,
    });
    expect((await ratingOf(id, b)).body.data.myStarPoint).toBe(0);
    expect(await StarPoint.count({ where: { courseId: id, userId: b.userId } })).toBe(0);
    // Removing a rating that does not exist changes nothing.
    expect((await rate(b, id, null)).body.data).toMatchObject({ starPoint: 3.5, starPeople: 2 });
    expect((await stored(id)).starPoint).toBe(3.5);
  });

  it('round a half up: 4.25 shows as 4.3', async () => {
    const course = await newCourse();
    const raters = await Promise.all([4, 4, 5, 4].map(() => makeUser()));
    for (const [i, score] of [4, 4, 5, 4].entries()) await rate(raters[i], course.courseId, score);
    expect((await ratingOf(course.courseId)).body.data).toMatchObject({
      starPoint: 4.3,
      starPeople: 4,
    });
  });

  it('keep one rating per user when the same user rates twice at once', async () => {
    const course = await newCourse();
    const user = await makeUser();
    const answers = await Promise.all([
      rate(user, course.courseId, 2),
      rate(user, course.courseId, 5),
    ]);
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    const rows = await StarPoint.findAll({ where: { courseId: course.courseId } });
    expect(rows).toHaveLength(1);
    const final = (await ratingOf(course.courseId, user)).body.data;
    expect(final.starPeople).toBe(1);
    expect([2, 5]).toContain(final.myStarPoint);
    expect(final.starPoint).toBe(final.myStarPoint);
    expect((await stored(course.courseId)).starPoint).toBe(final.starPoint);
  });

  it('are refused for the author’s own course (403)', async () => {
    const author = await makeUser();
    const course = await newCourse(author);
    const res = await rate(author, course.courseId, 5);
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      success: false,
      message: '본인이 작성한 코스에는 평점을 줄 수 없습니다',
    });
    expect(await StarPoint.count({ where: { courseId: course.courseId } })).toBe(0);
  });

  it.each([[0], [6], [3.5], ['abc'], [undefined], [[5]]])(
    'refuse %j with the original message',
    async (value) => {
      const course = await newCourse();
      const res = await rate(await makeUser(), course.courseId, value);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ success: false, message: '평점 입력에 실패했습니다' });
    },
  );

  it('answer 404 for an unknown course and 401 for a guest rating', async () => {
    const missing = await ratingOf('no-such-course');
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('해당 게시물이 존재하지 않습니다');
    expect((await rate(await makeUser(), 'no-such-course', 3)).status).toBe(404);
    const course = await newCourse();
    const guest = await api()
      .patch(`/course/${course.courseId}/starPoint`)
      .set(GUEST)
      .send({ myStarPoint: 3 });
    expect(guest.status).toBe(401);
  });
});

describe('A user leaving', () => {
  it('takes their bookmarks and ratings out of the courses’ counts (forgetCourseActivityOf)', async () => {
    const course = await newCourse();
    const [leaving, staying] = [await makeUser(), await makeUser()];
    await mark(ctx, course, {
      ratings: [
        [leaving, 1],
        [staying, 4],
      ],
      bookmarkedBy: [leaving, staying],
    });
    expect(await stored(course.courseId)).toEqual({ starPoint: 2.5, bookmarkCnt: 2 });

    await ctx.sequelize.transaction(async (transaction) => {
      await forgetCourseActivityOf(ctx.sequelize, leaving.userId, transaction);
      await leaving.destroy({ transaction });
    });
    expect(await stored(course.courseId)).toEqual({ starPoint: 4, bookmarkCnt: 1 });
  });

  it('is wired into withdrawal (DELETE /user/delete)', async () => {
    const course = await newCourse();
    const [leaving, staying] = [await makeUser(), await makeUser()];
    await rate(leaving, course.courseId, 5);
    await rate(staying, course.courseId, 2);
    await toggle(leaving, course.courseId);
    expect(await stored(course.courseId)).toEqual({ starPoint: 3.5, bookmarkCnt: 1 });

    const res = await api()
      .delete('/user/delete')
      .set(await as(leaving));
    expect(res.status).toBe(200);
    expect(await stored(course.courseId)).toEqual({ starPoint: 2, bookmarkCnt: 0 });
  });
});
