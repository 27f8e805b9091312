import { createMigrator, migrate } from '../src/db/migrator';
import { up as applySortKeys } from '../migrations/20261123000600-course-sort-keys';
import {
  down as removeCommentCounts,
  up as applyCommentCounts,
} from '../migrations/20261124000900-course-comment-count';
import {
  down as removeRankScore,
  up as applyRankScore,
} from '../migrations/20261203002100-course-rank-score';
import {
  courseRow,
  createScratchDatabase,
  indexes,
  selectAll,
  type ScratchDatabase,
} from './support/migrations';

const BASE = '20261123000100-base-schema';
const SORT_KEYS = '20261123000600-course-sort-keys';
const COMMENT_COUNTS = '20261124000900-course-comment-count';

let db: ScratchDatabase;

beforeAll(async () => {
  db = await createScratchDatabase();
  await createMigrator(db.sequelize).up({ to: BASE });
});
afterAll(async () => {
  await db?.drop();
});

async function insert(table: string, row: Record<string, unknown>) {
  const columns = Object.keys(row);
  await db.sequelize.query(
    `INSERT INTO \`${table}\` (${columns.map((c) => `\`${c}\``).join(', ')}) ` +
      `VALUES (${columns.map(() => '?').join(', ')})`,
    { replacements: Object.values(row) },
  );
}

const course = (courseId: string) => courseRow(courseId, 'u-author');

describe('The course sort-key migration', () => {
  it('fills starPoint (rounded average, NULL ratings ignored, 0 without any) and bookmarkCnt from the rows, idempotently', async () => {
    for (const userId of ['u-author', 'u-1', 'u-2', 'u-3', 'u-4']) {
      await insert('Users', { userId, nickname: userId, profileUrl: 'p', agreeSMS: 0 });
    }
    for (const id of ['c-half', 'c-null', 'c-none']) await insert('Courses', course(id));
    const ratings: Array<[string, string, number | null]> = [
      ['c-half', 'u-1', 4],
      ['c-half', 'u-2', 4],
      ['c-half', 'u-3', 5],
      ['c-half', 'u-4', 4],
      ['c-null', 'u-1', null],
      ['c-null', 'u-2', 2],
    ];
    for (const [courseId, userId, myStarPoint] of ratings) {
      await insert('starpoint', {
        starPointId: `${courseId}-${userId}`,
        courseId,
        userId,
        myStarPoint,
      });
    }
    for (const userId of ['u-1', 'u-2']) {
      await insert('Bookmarks', { bookmarkId: `b-${userId}`, courseId: 'c-null', userId });
    }

    const applied = await migrate(db.sequelize);
    expect(applied).toContain(SORT_KEYS);
    const read = async () =>
      Object.fromEntries(
        (
          await selectAll(
            db,
            'SELECT `courseId`, `starPoint`, `bookmarkCnt` FROM `Courses` ORDER BY `courseId`',
          )
        ).map((r) => [r.courseId, [Number(r.starPoint), Number(r.bookmarkCnt)]]),
      );
    const expected = { 'c-half': [4.3, 0], 'c-null': [2, 2], 'c-none': [0, 0] };
    expect(await read()).toEqual(expected);

    await applySortKeys({
      queryInterface: db.sequelize.getQueryInterface(),
      sequelize: db.sequelize,
    });
    expect(await read()).toEqual(expected);
  });
});

describe('The course comment-count migration', () => {
  let counted: ScratchDatabase;
  const context = () => ({
    queryInterface: counted.sequelize.getQueryInterface(),
    sequelize: counted.sequelize,
  });
  const add = async (table: string, row: Record<string, unknown>) => {
    const columns = Object.keys(row);
    await counted.sequelize.query(
      `INSERT INTO \`${table}\` (${columns.map((c) => `\`${c}\``).join(', ')}) ` +
        `VALUES (${columns.map(() => '?').join(', ')})`,
      { replacements: Object.values(row) },
    );
  };
  const read = async () =>
    Object.fromEntries(
      (
        await selectAll(
          counted,
          'SELECT `courseId`, `commentCnt` FROM `Courses` ORDER BY `courseId`',
        )
      ).map((r) => [r.courseId, Number(r.commentCnt)]),
    );
  const commentIndexes = async () =>
    (await indexes(counted, 'Courses'))
      .map((i) => i.name)
      .filter((name) => name.includes('commentCnt'))
      .sort();
  const AT = '2022-06-01 11:00:00';
  const comment = (commentId: string, place: { courseId?: string; groupId?: string }) => ({
    commentId,
    userId: 'u-2',
    courseId: null,
    groupId: null,
    ...place,
    content: commentId,
    createdAt: AT,
    updatedAt: AT,
  });
  // Comments on a course count; comments on a run and replies do not (as the feed always did).
  const EXPECTED = { 'c-busy': 3, 'c-one': 1, 'c-quiet': 0 };
  const INDEXES = [
    'idx_Courses_commentCnt_createdAt_courseId',
    'idx_Courses_region_commentCnt_createdAt_courseId',
  ];

  beforeAll(async () => {
    counted = await createScratchDatabase();
    // Every migration before this one, then rows as a database of that age holds them.
    const migrator = createMigrator(counted.sequelize);
    const names = (await migrator.pending()).map((m) => m.name);
    await migrator.up({ to: names[names.indexOf(COMMENT_COUNTS) - 1] });
    for (const userId of ['u-author', 'u-2']) {
      await add('Users', { userId, nickname: userId, profileUrl: 'p', agreeSMS: 0 });
    }
    for (const id of ['c-busy', 'c-one', 'c-quiet']) await add('Courses', course(id));
    await add('Groups', {
      groupId: 'g-1',
      userId: 'u-author',
      mapLatLng: '[]',
      title: 'g',
      maxPeople: 5,
      date: '2022-06-10',
      standbyTime: '07:00:00',
      distance: 5,
      speed: '6',
      location: '서울 중구',
      region: 1,
      timecode: 1,
      thema: '산',
      createdAt: AT,
      updatedAt: AT,
    });
    for (const n of [1, 2, 3])
      await add('Comments', comment(`cm-busy-${n}`, { courseId: 'c-busy' }));
    await add('Comments', comment('cm-one', { courseId: 'c-one' }));
    await add('Comments', comment('cm-run', { groupId: 'g-1' }));
    await add('Recomments', {
      recommentId: 'rc-1',
      commentId: 'cm-one',
      userId: 'u-author',
      content: 'reply',
      createdAt: AT,
      updatedAt: AT,
    });
  });
  afterAll(async () => {
    await counted?.drop();
  });

  it('counts each course’s comments into commentCnt, with its two indexes', async () => {
    // The comment counts come first; migrations added later follow it.
    expect((await migrate(counted.sequelize))[0]).toBe(COMMENT_COUNTS);
    expect(await read()).toEqual(EXPECTED);
    expect(await commentIndexes()).toEqual(INDEXES);
  });

  it('is safe to run again, and recounts a wrong count', async () => {
    await counted.sequelize.query(
      "UPDATE `Courses` SET `commentCnt` = 7 WHERE `courseId` = 'c-one'",
    );
    await applyCommentCounts(context());
    expect(await read()).toEqual(EXPECTED);
    expect(await commentIndexes()).toEqual(INDEXES);
  });

  it('reverts to the courses without the column and its indexes, and back', async () => {
    // The ranking score is computed from commentCnt: reverted first, as the migrator would.
    await removeRankScore(context());
    await removeCommentCounts(context());
    const columns = await counted.sequelize.getQueryInterface().describeTable('Courses');
    expect(Object.keys(columns)).not.toContain('commentCnt');
    expect(await commentIndexes()).toEqual([]);
    await removeCommentCounts(context());

    await applyCommentCounts(context());
    await applyRankScore(context());
    expect(await read()).toEqual(EXPECTED);
    expect(await commentIndexes()).toEqual(INDEXES);
  });
});
