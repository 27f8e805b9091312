import request from 'supertest';
import { Applier, Bookmark, Comment, Course, StarPoint } from '../src/db/models';
import { insertComment } from '../src/comments/comments.queries';
import { announceWrite } from '../src/lib/write-hooks';
import { countQueries } from './support/comments';
import type { TestContext } from './support/context';
import { headersFor, makeCourse } from './support/courses';
import { makeGroup, member, testCalendar } from './support/groups';
import { useCacheTestContext } from './support/read-cache';
import { makeUser } from './support/users';

/**
 * Writes of plain SQL (the toggles: bookmarks, ratings, applications) are announced to the
 * write hooks (src/lib/write-hooks.ts `announceWrite`): they store the generations the model's
 * write would have stored, in the same once-per-transaction set, and nothing on a rollback.
 */
let ctx: TestContext;
let as: ReturnType<typeof headersFor>;
let calendar: ReturnType<typeof testCalendar>;

useCacheTestContext((c) => {
  ctx = c;
  as = headersFor(ctx);
  calendar = testCalendar(ctx);
});

/** The generation keys stored while `act` runs, sorted. */
async function generationsStoredBy(act: () => Promise<unknown>): Promise<string[]> {
  const set = jest.spyOn(ctx.store, 'set');
  try {
    await act();
    return set.mock.calls
      .map(([key]) => key)
      .filter((key) => key.endsWith(':generation'))
      .sort();
  } finally {
    set.mockRestore();
  }
}

// Region 7 (경남/부산/울산), a location of that region: no other test file lists its courses.
const newCourse = async () =>
  makeCourse(await makeUser(), { location: '경남 창원시 의창구', region: 7 });

/** The ids the models' defaults give. */
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const APPLIERS = [
  'calendar:feeds:generation',
  'courses:details:generation',
  'groups:applied:generation',
  'groups:details:generation',
  'groups:lists:generation',
  'groups:near:generation',
];

describe('announceWrite', () => {
  it('stores what the model write stores, after the commit, each once', async () => {
    const course = await newCourse();
    const user = await makeUser();
    const group = await makeGroup(await makeUser(), { date: calendar.window().at(2) });
    const modelPath = await generationsStoredBy(() =>
      ctx.sequelize.transaction(async (transaction) => {
        await Applier.create({ groupId: group.groupId, userId: user.userId }, { transaction });
      }),
    );
    const committed: string[] = [];
    const announced = await generationsStoredBy(() =>
      ctx.sequelize.transaction(async (transaction) => {
        await announceWrite(ctx.sequelize, [Applier], transaction);
        await announceWrite(ctx.sequelize, [Applier], transaction);
        transaction.afterCommit(() => void committed.push('commit'));
        // Nothing is stored before the commit.
        expect(committed).toEqual([]);
      }),
    );
    expect(modelPath).toEqual(APPLIERS);
    expect(announced).toEqual(modelPath);

    // With a model's write in the same transaction: one set, each cache once.
    const mixed = await generationsStoredBy(() =>
      ctx.sequelize.transaction(async (transaction) => {
        await Bookmark.create({ courseId: course.courseId, userId: user.userId }, { transaction });
        await announceWrite(ctx.sequelize, [Course, StarPoint], transaction);
      }),
    );
    expect(mixed).toEqual([...new Set(mixed)]);
    expect(mixed).toEqual(
      await generationsStoredBy(() =>
        Course.update({ title: 'renamed' }, { where: { courseId: course.courseId } }),
      ),
    );
  });

  it('stores nothing on a rollback, and at once outside a transaction', async () => {
    const rolledBack = await generationsStoredBy(() =>
      expect(
        ctx.sequelize.transaction(async (transaction) => {
          await announceWrite(ctx.sequelize, [Applier, Course], transaction);
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind'),
    );
    expect(rolledBack).toEqual([]);
    expect(await generationsStoredBy(() => announceWrite(ctx.sequelize, [Applier], null))).toEqual(
      APPLIERS,
    );
  });
});

describe('the toggles in plain SQL', () => {
  it('an application and its cancellation store the applications’ caches', async () => {
    const { at } = calendar.window();
    const host = await member(ctx);
    const runner = await member(ctx);
    const group = await makeGroup(host.user, { date: at(2) });
    const toggle = () => request(ctx.app).post(`/group/${group.groupId}/apply`).set(runner.headers);
    let statements = 0;
    const applied = await generationsStoredBy(async () => {
      statements = await countQueries(ctx.sequelize, async () => {
        expect((await toggle()).body.data.applyState).toBe(true);
      });
    });
    // BEGIN, the run's lock, its seats, the INSERT, COMMIT.
    expect(statements).toBe(5);
    expect(applied).toEqual(APPLIERS);
    const stored = await Applier.findOne({
      where: { groupId: group.groupId, userId: runner.user.userId },
    });
    expect(stored?.get({ plain: true })).toMatchObject({ attendance: false, evaluation: 0 });
    expect(stored?.applyId).toMatch(UUID_V4);
    const cancelled = await generationsStoredBy(async () => {
      statements = await countQueries(ctx.sequelize, async () => {
        expect((await toggle()).body.data.applyState).toBe(false);
      });
    });
    expect(statements).toBe(5);
    expect(cancelled).toEqual(APPLIERS);
  });

  it('a rating, set, changed and removed, and a bookmark store the courses’ caches', async () => {
    const course = await newCourse();
    const { updatedAt } = (await Course.findByPk(course.courseId)) as Course;
    const user = await makeUser();
    const headers = await as(user);
    const mark = (path: string, body: object = {}) =>
      request(ctx.app).patch(`/course/${course.courseId}/${path}`).set(headers).send(body);
    const COURSES = [
      'alarms:lists:generation',
      'comments:threads:generation',
      'courses:details:generation',
      'courses:feeds:generation',
    ];
    for (const myStarPoint of [4, 2, null]) {
      let statements = 0;
      const stored = await generationsStoredBy(async () => {
        statements = await countQueries(ctx.sequelize, async () => {
          expect((await mark('starPoint', { myStarPoint })).status).toBe(200);
        });
      });
      // BEGIN, the course's lock, its marks, the rating's write, the sort keys, COMMIT.
      expect(statements).toBe(6);
      expect(stored).toEqual(COURSES);
      if (myStarPoint === 4) {
        const rating = await StarPoint.findOne({ where: { courseId: course.courseId } });
        expect(rating?.starPointId).toMatch(UUID_V4);
      }
    }
    let statements = 0;
    const stored = await generationsStoredBy(async () => {
      statements = await countQueries(ctx.sequelize, async () => {
        expect((await mark('bookmark')).body.data).toEqual({ bookmark: true });
      });
    });
    expect(statements).toBe(6);
    expect(stored).toEqual(COURSES);
    const bookmark = await Bookmark.findOne({ where: { courseId: course.courseId } });
    expect(bookmark?.bookmarkId).toMatch(UUID_V4);
    // The sort keys are stored without touching `updatedAt`.
    const sortKeys = await Course.findByPk(course.courseId);
    expect(sortKeys?.bookmarkCnt).toBe(1);
    expect(Number(sortKeys?.starPoint)).toBe(0);
    expect(sortKeys?.updatedAt).toEqual(updatedAt);
  });

  it('a course comment’s count stores the course’s caches (the details watch no comment)', async () => {
    const course = await newCourse();
    const headers = await as(await makeUser());
    let commentId = '';
    const posted = await generationsStoredBy(async () => {
      const res = await request(ctx.app)
        .post(`/comment/course/${course.courseId}`)
        .set(headers)
        .send({ content: '좋은 코스예요' });
      commentId = res.body.data.at(-1).commentId;
    });
    expect(posted).toContain('courses:details:generation');
    expect((await Course.findByPk(course.courseId))?.commentCnt).toBe(1);
    const deleted = await generationsStoredBy(() =>
      request(ctx.app).delete(`/comment/${commentId}`).set(headers),
    );
    // The comment's DELETE (plain SQL) renews the threads and the feeds, the count the details.
    expect(deleted).toEqual([
      'alarms:lists:generation',
      'comments:threads:generation',
      'courses:details:generation',
      'courses:feeds:generation',
    ]);
    expect((await Course.findByPk(course.courseId))?.commentCnt).toBe(0);
  });

  it('a comment’s INSERT stores its times as the model does, in the connection’s zone', async () => {
    const course = await newCourse();
    const user = await makeUser();
    const createdAt = new Date('2026-03-01T12:34:56.000Z');
    const row = { groupId: null, courseId: course.courseId, userId: user.userId, content: '굿' };
    const before = Date.now() - 1_000;
    const stored = await generationsStoredBy(() =>
      ctx.sequelize.transaction(async (transaction) => {
        const id = await insertComment(ctx.sequelize, { ...row, createdAt }, transaction);
        const model = await Comment.create({ ...row, createdAt }, { transaction });
        return [id, model.commentId];
      }),
    );
    const comments = await Comment.findAll({ where: { courseId: course.courseId }, raw: true });
    expect(comments).toHaveLength(2);
    const [plain, model] = comments;
    expect(plain.commentId).toMatch(UUID_V4);
    // Both rows alike, to the stored text (the zone and the precision the model writes).
    expect({ ...plain, commentId: '', updatedAt: '' }).toEqual({
      ...model,
      commentId: '',
      updatedAt: '',
    });
    expect(new Date(plain.createdAt).getTime()).toBe(createdAt.getTime());
    expect(new Date(plain.updatedAt).getTime()).toBeGreaterThanOrEqual(before);
    expect(stored).toEqual([
      'alarms:lists:generation',
      'comments:threads:generation',
      'courses:feeds:generation',
    ]);
  });
});
