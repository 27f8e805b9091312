import { createMigrator, migrate } from '../src/db/migrator';
import { up as applySortKeys } from '../migrations/20261123000600-course-sort-keys';
import { createScratchDatabase, selectAll, type ScratchDatabase } from './migrations.helpers';

const BASE = '20261123000100-base-schema';
const SORT_KEYS = '20261123000600-course-sort-keys';

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

const course = (courseId: string) => ({
  courseId,
  userId: 'u-author',
  title: courseId,
  content: '',
  location: '서울 중구',
  mapLatLng: '[]',
  distance: 5,
  courseImageUrl1: 'k.webp',
  clickCnt: 0,
  region: 1,
  thema: '산',
  createdAt: '2022-06-01 10:00:00',
  updatedAt: '2022-06-01 10:00:00',
});

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
