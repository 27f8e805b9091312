import request from 'supertest';
import { Comment, Course, type User } from '../src/db/models';
import { forgetRanking } from '../src/courses/feed';
import { courseForm, headersFor, makeCourse, multipart } from './support/courses';
import { useTestContext, type TestContext } from './support/context';
import { makeUser } from './support/users';

/**
 * `Courses.commentCnt`: the number of comments on a course, kept on its row for the feed's
 * `comment` sort, its cards and the ranking. These tests write their courses in region 4 (강원),
 * where only the seed tests' demo comes and goes, and read the lists filtered to their own ids.
 */
let ctx: TestContext;
let as: ReturnType<typeof headersFor>;
useTestContext(
  (c) => {
    ctx = c;
    as = headersFor(c);
  },
  { ownImageDir: true },
);

const api = () => request(ctx.app);
const REGION = 4;
const newCourse = async (attrs: Partial<Course> = {}) =>
  makeCourse(await makeUser(), { location: '강원 춘천시 근화동', region: REGION, ...attrs });

const postComment = async (user: User, courseId: string, content = '좋은 코스예요') =>
  api()
    .post(`/comment/course/${courseId}`)
    .set(await as(user))
    .send({ content });
const deleteComment = async (user: User, commentId: string) =>
  api()
    .delete(`/comment/${commentId}`)
    .set(await as(user));
const idOfLast = (res: request.Response) => res.body.data.at(-1).commentId as string;

const stored = async (courseId: string) =>
  (await Course.findByPk(courseId, { attributes: ['commentCnt', 'updatedAt'] })) as Course;
const rows = (courseId: string) => Comment.count({ where: { courseId } });

/** Every card of region 4 sorted by comments, in order: `[courseId, commentCnt]`. */
async function commentFeed(): Promise<Array<[string, number]>> {
  const res = await api().get(`/course/all?region=${REGION}&sort=comment&page=1&size=100`);
  expect(res.status).toBe(200);
  return res.body.data.feed.map((card: { courseId: string; commentCnt: number }) => [
    card.courseId,
    card.commentCnt,
  ]);
}
const only = (feed: Array<[string, number]>, courses: Course[]) =>
  feed.filter(([id]) => courses.some((c) => c.courseId === id));

describe('The comment count of a course', () => {
  it('goes up with each comment and down when its author deletes one, never for anyone else', async () => {
    const course = await newCourse();
    const [a, b] = [await makeUser(), await makeUser()];
    const first = await postComment(a, course.courseId);
    expect(first.status).toBe(201);
    await postComment(b, course.courseId);
    expect((await stored(course.courseId)).commentCnt).toBe(2);

    const mine = idOfLast(first);
    const refused = await deleteComment(b, mine);
    expect(refused.status).toBe(403);
    expect((await stored(course.courseId)).commentCnt).toBe(2);

    expect((await deleteComment(a, mine)).status).toBe(200);
    expect((await stored(course.courseId)).commentCnt).toBe(1);
    expect(await rows(course.courseId)).toBe(1);
  });

  it('leaves the course’s updatedAt alone', async () => {
    const course = await newCourse();
    await ctx.sequelize.query('UPDATE `Courses` SET `updatedAt` = ? WHERE `courseId` = ?', {
      replacements: [new Date('2024-03-01T00:00:00Z'), course.courseId],
    });
    const before = (await stored(course.courseId)).updatedAt.getTime();
    const user = await makeUser();
    const res = await postComment(user, course.courseId);
    await deleteComment(user, idOfLast(res));
    await postComment(user, course.courseId);
    const after = await stored(course.courseId);
    expect(after.commentCnt).toBe(1);
    expect(after.updatedAt.getTime()).toBe(before);
  });

  it('counts every one of several comments posted at once, and of deletes and posts racing', async () => {
    const course = await newCourse();
    const users = await Promise.all(Array.from({ length: 6 }, () => makeUser()));
    const posted = await Promise.all(users.map((u) => postComment(u, course.courseId)));
    expect(posted.map((r) => r.status)).toEqual(users.map(() => 201));
    expect((await stored(course.courseId)).commentCnt).toBe(6);

    const comments = await Comment.findAll({ where: { courseId: course.courseId } });
    const authorOf = new Map(users.map((u) => [u.userId, u]));
    const results = await Promise.all([
      ...comments
        .slice(0, 3)
        .map((c) => deleteComment(authorOf.get(c.userId) as User, c.commentId)),
      postComment(users[0], course.courseId),
      postComment(users[1], course.courseId),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 201, 201]);
    expect((await stored(course.courseId)).commentCnt).toBe(5);
    expect(await rows(course.courseId)).toBe(5);
  });

  it('loses the comments of a user who withdraws, on every course they commented on', async () => {
    const [busy, quiet] = [await newCourse(), await newCourse()];
    const [leaving, staying] = [await makeUser(), await makeUser()];
    await postComment(leaving, busy.courseId);
    await postComment(leaving, busy.courseId);
    await postComment(staying, busy.courseId);
    await postComment(leaving, quiet.courseId);
    expect((await stored(busy.courseId)).commentCnt).toBe(3);
    expect((await stored(quiet.courseId)).commentCnt).toBe(1);

    const res = await api()
      .delete('/user/delete')
      .set(await as(leaving));
    expect(res.status).toBe(200);
    expect((await stored(busy.courseId)).commentCnt).toBe(1);
    expect((await stored(quiet.courseId)).commentCnt).toBe(0);
    expect(only(await commentFeed(), [busy, quiet])).toEqual([
      [busy.courseId, 1],
      [quiet.courseId, 0],
    ]);
  });

  it('cannot be set by creating or editing a course', async () => {
    const author = await makeUser();
    const created = await multipart(
      api()
        .post('/course')
        .set(await as(author)),
      courseForm({ commentCnt: '50', location: '강원 춘천시 효자동 1' }),
      1,
    );
    expect(created.status).toBe(201);
    const { courseId } = created.body.data as { courseId: string };
    expect((await stored(courseId)).commentCnt).toBe(0);

    await postComment(await makeUser(), courseId);
    const edited = await api()
      .patch(`/course/${courseId}`)
      .set(await as(author))
      .send({ title: '고친 제목입니다', commentCnt: 99 });
    expect(edited.status).toBe(200);
    expect((await stored(courseId)).commentCnt).toBe(1);
  });
});

describe('GET /course/all?sort=comment', () => {
  it('orders by the counts the writes left, newest first on ties, and each card shows its count', async () => {
    // Oldest first: P, Q, R (dated in the past, so the other files' newest courses stay newest).
    const [p, q, r] = await Promise.all(
      [0, 1, 2].map((i) => newCourse({ createdAt: new Date(Date.UTC(2001, 0, 1, 0, i)) })),
    );
    const ours = [p, q, r];
    const user = await makeUser();
    expect(only(await commentFeed(), ours)).toEqual([
      [r.courseId, 0],
      [q.courseId, 0],
      [p.courseId, 0],
    ]);

    await postComment(user, q.courseId);
    await postComment(user, q.courseId);
    await postComment(user, r.courseId);
    expect(only(await commentFeed(), ours)).toEqual([
      [q.courseId, 2],
      [r.courseId, 1],
      [p.courseId, 0],
    ]);

    for (const c of await Comment.findAll({ where: { courseId: q.courseId } })) {
      await deleteComment(user, c.commentId);
    }
    await postComment(user, p.courseId);
    await postComment(user, p.courseId);
    const feed = only(await commentFeed(), ours);
    expect(feed).toEqual([
      [p.courseId, 2],
      [r.courseId, 1],
      [q.courseId, 0],
    ]);
    for (const [courseId, commentCnt] of feed) {
      const list = await api().get(`/comment/course/${courseId}`);
      expect(list.body.data).toHaveLength(commentCnt);
    }
  });

  it('feeds the ranking with the stored count (comments + stars + views)', async () => {
    // Ahead of every other course of the region, behind the feed tests' top courses (1,000+).
    const [loud, viewed] = await Promise.all([newCourse(), newCourse()]);
    await Course.update({ clickCnt: 900 }, { where: { courseId: viewed.courseId } });
    await Course.update({ clickCnt: 899 }, { where: { courseId: loud.courseId } });
    const users = await Promise.all([1, 2].map(() => makeUser()));
    await Promise.all(users.map((u) => postComment(u, loud.courseId)));
    const viewer = await makeUser({ likeLocation: String(REGION) });
    await forgetRanking(ctx);
    const res = await api()
      .get('/course/all')
      .set(await as(viewer));
    expect(res.body.data.rankingFeed.slice(0, 2)).toEqual([
      expect.objectContaining({ courseId: loud.courseId, commentCnt: 2 }),
      expect.objectContaining({ courseId: viewed.courseId, commentCnt: 0 }),
    ]);
  });
});
