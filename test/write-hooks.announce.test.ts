import request from 'supertest';
import type { Transaction } from 'sequelize';
import { Alarm, Applier, Bookmark, Comment, Course, StarPoint, Waiter } from '../src/db/models';
import { insertAlarms } from '../src/alarms/alarms.queries';
import type { NewAlarm } from '../src/alarms/alarms.service';
import { insertComment } from '../src/comments/comments.queries';
import { COMMENT } from '../src/comments/messages';
import { insertWaiter } from '../src/groups/waitlist.queries';
import { announceWrite } from '../src/lib/write-hooks';
import { countQueries } from './support/comments';
import { headersFor, makeCourse } from './support/courses';
import { makeGroup, member } from './support/groups';
import { useCalendarCacheContext } from './support/read-cache';
import { makeUser } from './support/users';

/**
 * Writes of plain SQL (the toggles: bookmarks, ratings, applications) are announced to the
 * write hooks (src/lib/write-hooks.ts `announceWrite`): they store the generations the model's
 * write would have stored, in the same once-per-transaction set, and nothing on a rollback.
 */
const file = useCalendarCacheContext();
let as: ReturnType<typeof headersFor>;

beforeAll(() => {
  as = headersFor(file.ctx);
});

/** The generation keys stored while `act` runs, sorted. */
async function generationsStoredBy(act: () => Promise<unknown>): Promise<string[]> {
  const set = jest.spyOn(file.ctx.store, 'set');
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
    const group = await makeGroup(await makeUser(), { date: file.calendar.window().at(2) });
    const modelPath = await generationsStoredBy(() =>
      file.ctx.sequelize.transaction(async (transaction) => {
        await Applier.create({ groupId: group.groupId, userId: user.userId }, { transaction });
      }),
    );
    const committed: string[] = [];
    const announced = await generationsStoredBy(() =>
      file.ctx.sequelize.transaction(async (transaction) => {
        await announceWrite(file.ctx.sequelize, [Applier], transaction);
        await announceWrite(file.ctx.sequelize, [Applier], transaction);
        transaction.afterCommit(() => void committed.push('commit'));
        // Nothing is stored before the commit.
        expect(committed).toEqual([]);
      }),
    );
    expect(modelPath).toEqual(APPLIERS);
    expect(announced).toEqual(modelPath);

    // With a model's write in the same transaction: one set, each cache once.
    const mixed = await generationsStoredBy(() =>
      file.ctx.sequelize.transaction(async (transaction) => {
        await Bookmark.create({ courseId: course.courseId, userId: user.userId }, { transaction });
        await announceWrite(file.ctx.sequelize, [Course, StarPoint], transaction);
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
        file.ctx.sequelize.transaction(async (transaction) => {
          await announceWrite(file.ctx.sequelize, [Applier, Course], transaction);
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind'),
    );
    expect(rolledBack).toEqual([]);
    expect(
      await generationsStoredBy(() => announceWrite(file.ctx.sequelize, [Applier], null)),
    ).toEqual(APPLIERS);
  });
});

describe('the toggles in plain SQL', () => {
  it('an application and its cancellation store the applications’ caches', async () => {
    const { at } = file.calendar.window();
    const host = await member(file.ctx);
    const runner = await member(file.ctx);
    const group = await makeGroup(host.user, { date: at(2) });
    const toggle = () =>
      request(file.ctx.app).post(`/group/${group.groupId}/apply`).set(runner.headers);
    let statements = 0;
    const applied = await generationsStoredBy(async () => {
      statements = await countQueries(file.ctx.sequelize, async () => {
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
      statements = await countQueries(file.ctx.sequelize, async () => {
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
      request(file.ctx.app).patch(`/course/${course.courseId}/${path}`).set(headers).send(body);
    const COURSES = [
      'alarms:lists:generation',
      'comments:threads:generation',
      'courses:details:generation',
      'courses:feeds:generation',
    ];
    for (const myStarPoint of [4, 2, null]) {
      let statements = 0;
      const stored = await generationsStoredBy(async () => {
        statements = await countQueries(file.ctx.sequelize, async () => {
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
      statements = await countQueries(file.ctx.sequelize, async () => {
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
      const res = await request(file.ctx.app)
        .post(`/comment/course/${course.courseId}`)
        .set(headers)
        .send({ content: '좋은 코스예요' });
      commentId = res.body.data.at(-1).commentId;
    });
    expect(posted).toContain('courses:details:generation');
    expect((await Course.findByPk(course.courseId))?.commentCnt).toBe(1);
    const deleted = await generationsStoredBy(() =>
      request(file.ctx.app).delete(`/comment/${commentId}`).set(headers),
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
      file.ctx.sequelize.transaction(async (transaction) => {
        const id = await insertComment(file.ctx.sequelize, { ...row, createdAt }, transaction);
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

describe('the other writes in plain SQL', () => {
  it('an alarm’s INSERT writes the row Alarm.bulkCreate writes, and stores its caches', async () => {
    const user = await makeUser();
    const createdAt = new Date('2026-03-01T12:34:56.000Z');
    const rows: NewAlarm[] = [
      { userId: user.userId, category: 'comment', courseId: 'c1', courseTitle: '코스' },
      {
        userId: user.userId,
        category: 'waitlist',
        groupId: 'g1',
        groupTitle: '런',
        nickname: '러너',
        sendPhone: 1,
        smsStatus: 'pending',
        smsError: null,
      },
      { userId: user.userId, category: 'waitlist', smsStatus: 'skipped', smsError: 'x' },
    ];
    const modelPath = await generationsStoredBy(() =>
      file.ctx.sequelize.transaction((transaction) =>
        Alarm.bulkCreate(
          rows.map((row) => ({
            ...row,
            groupTitle: `${row.groupTitle ?? ''}model`,
            createdAt,
            ...(row.smsStatus === 'pending' && { smsNextAttemptAt: createdAt }),
          })),
          { transaction },
        ),
      ),
    );
    const before = Date.now() - 1_000;
    const announced = await generationsStoredBy(() =>
      file.ctx.sequelize.transaction((transaction) =>
        insertAlarms(
          file.ctx.sequelize,
          rows.map((row) => ({
            ...row,
            groupTitle: `${row.groupTitle ?? ''}plain`,
            createdAt,
            smsNextAttemptAt: row.smsStatus === 'pending' ? createdAt : null,
          })),
          transaction,
        ),
      ),
    );
    expect(announced).toEqual(modelPath);
    const written = await Alarm.findAll({ where: { userId: user.userId }, raw: true });
    expect(written).toHaveLength(6);
    const of = (suffix: string) =>
      written
        .filter((row) => String(row.groupTitle).endsWith(suffix))
        .map((row) => ({
          ...row,
          alarmId: '',
          updatedAt: '',
          groupTitle: String(row.groupTitle).slice(0, -suffix.length),
        }))
        .sort(
          (a, b) =>
            a.category.localeCompare(b.category) ||
            `${a.smsStatus}`.localeCompare(`${b.smsStatus}`),
        );
    // Both sets alike, to the stored text (defaults, the zone and the precision the model writes).
    expect(of('plain')).toEqual(of('model'));
    for (const row of written.filter((row) => String(row.groupTitle).endsWith('plain'))) {
      expect(row.alarmId).toMatch(UUID_V4);
      expect(new Date(row.updatedAt).getTime()).toBeGreaterThanOrEqual(before);
    }
  });

  it('a waiter’s INSERT writes the row Waiter.create writes, and stores its caches', async () => {
    const { at } = file.calendar.window();
    const group = await makeGroup(await makeUser(), { date: at(2) });
    const [first, second] = [await makeUser(), await makeUser()];
    const createdAt = new Date('2026-03-01T12:34:56.000Z');
    const modelPath = await generationsStoredBy(() =>
      file.ctx.sequelize.transaction((transaction) =>
        Waiter.create({ groupId: group.groupId, userId: first.userId, createdAt }, { transaction }),
      ),
    );
    const announced = await generationsStoredBy(() =>
      file.ctx.sequelize.transaction((transaction) =>
        insertWaiter(
          file.ctx.sequelize,
          { groupId: group.groupId, userId: second.userId, createdAt },
          transaction,
        ),
      ),
    );
    expect(announced).toEqual(modelPath);
    const [model, plain] = await Waiter.findAll({
      where: { groupId: group.groupId },
      order: [['waitlistId', 'ASC']],
      raw: true,
    });
    // Last in line: the next id the table hands out.
    expect(plain.waitlistId).toBeGreaterThan(model.waitlistId);
    expect({ ...plain, waitlistId: 0, userId: '' }).toEqual({
      ...model,
      waitlistId: 0,
      userId: '',
    });
  });
});

/** Each statement `work` runs, with the transaction it ran in (1, 2, … in order; null: none). */
async function statementsOf(work: () => Promise<unknown>): Promise<Array<[string, number | null]>> {
  const ran: Array<[string, number | null]> = [];
  const seen = new Map<Transaction, number>();
  const name = `statements-${Math.random()}`;
  file.ctx.sequelize.addHook('afterQuery', name, (options, query) => {
    const sql = String((query as { sql?: unknown }).sql ?? '');
    // The signed-in user's account read (kept per process) is not the write's.
    if (sql.includes('FROM `Users`') && !sql.includes('Comments')) return;
    const transaction = (options as { transaction?: Transaction | null }).transaction;
    if (transaction && !seen.has(transaction)) seen.set(transaction, seen.size + 1);
    ran.push([sql.split(' ')[0], transaction ? (seen.get(transaction) as number) : null]);
  });
  try {
    await work();
  } finally {
    file.ctx.sequelize.removeHook('afterQuery', name);
  }
  return ran;
}

describe('a course comment on one connection', () => {
  it('its POST answers the list read in its transaction, and its DELETE reads the comment there', async () => {
    const course = await newCourse();
    const headers = await as(await makeUser());
    let commentId = '';
    const posted = await statementsOf(async () => {
      const res = await request(file.ctx.app)
        .post(`/comment/course/${course.courseId}`)
        .set(headers)
        .send({ content: '한 연결로' });
      expect(res.status).toBe(201);
      expect(res.body.data.map((c: { content: string }) => c.content)).toEqual(['한 연결로']);
      commentId = res.body.data[0].commentId;
    });
    // The lock, the comment, the author's alarm and its trim read, the count, the list.
    expect(posted.map(([sql]) => sql).slice(1, -1)).toEqual([
      'SELECT',
      'INSERT',
      'INSERT',
      'SELECT',
      'UPDATE',
      'SELECT',
    ]);
    expect(posted.map(([, id]) => id)).toEqual(posted.map(() => 1));

    const deleted = await statementsOf(async () => {
      const res = await request(file.ctx.app).delete(`/comment/${commentId}`).set(headers);
      expect(res.status).toBe(200);
    });
    // The comment, the lock, the DELETE, the count.
    expect(deleted.map(([sql]) => sql).slice(1, -1)).toEqual([
      'SELECT',
      'SELECT',
      'DELETE',
      'UPDATE',
    ]);
    expect(deleted.map(([, id]) => id)).toEqual(deleted.map(() => 1));
    expect((await Course.findByPk(course.courseId))?.commentCnt).toBe(0);
  });
});

describe('a comment’s edit', () => {
  it('writes nothing and stores no generation when the text is unchanged, and answers the same list', async () => {
    const course = await newCourse();
    const headers = await as(await makeUser());
    const posted = await request(file.ctx.app)
      .post(`/comment/course/${course.courseId}`)
      .set(headers)
      .send({ content: '그대로 둘 댓글' });
    expect(posted.status).toBe(201);
    const [item] = posted.body.data as Array<{ commentId: string; content: string }>;
    const stored = await Comment.findByPk(item.commentId, { raw: true });
    const edit = async (content: string) => {
      let res: request.Response | undefined;
      let ran: Array<[string, number | null]> = [];
      const generations = await generationsStoredBy(async () => {
        ran = await statementsOf(async () => {
          res = await request(file.ctx.app)
            .patch(`/comment/${item.commentId}`)
            .set(headers)
            .send({ content });
        });
      });
      return { res: res as request.Response, statements: ran.map(([sql]) => sql), generations };
    };

    // The same text once trimmed, as the form stores it: the comment and the list are read.
    const unchanged = await edit('  그대로 둘 댓글 ');
    expect(unchanged.statements).toEqual(['SELECT', 'SELECT']);
    expect(unchanged.generations).toEqual([]);
    expect(unchanged.res.status).toBe(200);
    expect(unchanged.res.body).toEqual({
      success: true,
      message: COMMENT.updated,
      data: posted.body.data,
    });
    expect(await Comment.findByPk(item.commentId, { raw: true })).toEqual(stored);

    const changed = await edit('고친 댓글');
    expect(changed.statements).toEqual(['SELECT', 'UPDATE', 'SELECT']);
    expect(changed.generations).toEqual([
      'alarms:lists:generation',
      'comments:threads:generation',
      'courses:feeds:generation',
    ]);
    expect(changed.res.status).toBe(200);
    expect(changed.res.body).toEqual({
      success: true,
      message: COMMENT.updated,
      data: [{ ...item, content: '고친 댓글' }],
    });
    expect((await Comment.findByPk(item.commentId))?.content).toBe('고친 댓글');
  });
});
