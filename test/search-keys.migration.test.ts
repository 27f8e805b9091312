import { Op, QueryTypes, type WhereOptions } from 'sequelize';
import { createMigrator, migrate } from '../src/db/migrator';
import { Group, initModels } from '../src/db/models';
import { searchKeys, searchWhere, type KeyFilters } from '../src/groups/search';
import {
  down as removeSearchKey,
  up as addSearchKey,
} from '../migrations/20261203002000-group-search-key';
import {
  down as removeRankScore,
  up as addRankScore,
} from '../migrations/20261203002100-course-rank-score';
import {
  courseRow,
  createScratchDatabase,
  indexes,
  insertRows,
  type ScratchDatabase,
} from './support/migrations';

const BEFORE = '20261203001300-group-start-points';

let db: ScratchDatabase;

beforeAll(async () => {
  db = await createScratchDatabase();
  await createMigrator(db.sequelize).up({ to: BEFORE });
  initModels(db.sequelize);
});
afterAll(async () => {
  await db?.drop();
});

const insert = (table: string, row: Record<string, unknown>) => insertRows(db, table, [row]);

const context = () => ({
  sequelize: db.sequelize,
  queryInterface: db.sequelize.getQueryInterface(),
});

const select = <T extends object>(sql: string) =>
  db.sequelize.query<T>(sql, { type: QueryTypes.SELECT });

/** Runs as an upgraded database may hold them: every code, band edges and odd values. */
const RUNS: Array<{ region: number; thema: string; timecode: number; distance: number }> = [];
for (const region of [0, 1, 9, 12]) {
  for (const thema of ['산', '강변', '트랙', '러닝']) {
    for (const timecode of [0, 1, 6]) {
      for (const distance of [-1, 0, 4.9, 5, 9.99, 10, 14.9, 15, 42.195]) {
        RUNS.push({ region, thema, timecode, distance });
      }
    }
  }
}

const run = (i: number, values: (typeof RUNS)[number]) => ({
  groupId: `g-${String(i).padStart(4, '0')}`,
  userId: 'u-host',
  mapLatLng: '[]',
  title: `run ${i}`,
  maxPeople: 6,
  date: '2022-06-20',
  standbyTime: '07:00:00',
  distance: values.distance,
  speed: '6',
  location: '서울 중구',
  region: values.region,
  timecode: values.timecode,
  thema: values.thema,
  chattingRoom: '',
  createdAt: '2022-06-01 10:00:00',
  updatedAt: '2022-06-01 10:00:00',
});

const course = (courseId: string, extra: Record<string, unknown>) =>
  courseRow(courseId, 'u-host', { commentCnt: 0, bookmarkCnt: 0, ...extra });

/** The filter combinations checked: single codes, lists, and filters left out. */
const FILTERS: KeyFilters[] = [
  { regions: [9], themes: ['트랙'], timeSlots: null, distanceBands: [4] },
  { regions: null, themes: ['강변'], timeSlots: [1], distanceBands: null },
  { regions: [1], themes: ['산'], timeSlots: null, distanceBands: null },
  { regions: [0, 9], themes: ['산', '강변'], timeSlots: [1, 6], distanceBands: [4] },
  { regions: [1], themes: null, timeSlots: [1, 6], distanceBands: [2, 3] },
  { regions: [1], themes: null, timeSlots: null, distanceBands: [1] },
  { regions: null, themes: ['트랙'], timeSlots: [6], distanceBands: [1, 4] },
];

describe('The search key and ranking score migrations', () => {
  beforeAll(async () => {
    await insert('Users', { userId: 'u-host', nickname: 'host', profileUrl: 'p', agreeSMS: 0 });
    for (const [i, values] of RUNS.entries()) await insert('Groups', run(i, values));
    await insert('Courses', course('c-rated', { starPoint: 4.3, commentCnt: 2, clickCnt: 7 }));
    await insert('Courses', course('c-unrated', { starPoint: null, clickCnt: 3 }));
    // The two migrations under test run first; later ones of the catalogue may follow them.
    const applied = await migrate(db.sequelize);
    expect(applied.slice(0, 2)).toEqual([
      '20261203002000-group-search-key',
      '20261203002100-course-rank-score',
    ]);
  });

  it('gives every run of an upgraded database the key a search of its own codes names', async () => {
    const rows = await select<{ groupId: string; searchKey: number }>(
      'SELECT `groupId`, `searchKey` FROM `Groups` ORDER BY `groupId`',
    );
    expect(rows).toHaveLength(RUNS.length);
    rows.forEach((row, i) => {
      const { region, thema, timecode, distance } = RUNS[i];
      const band = distance < 0 ? null : Math.min(4, Math.floor(distance / 5) + 1);
      const inDomain = region <= 9 && thema !== '러닝' && timecode >= 1 && band !== null;
      if (!inDomain) return;
      expect({ row: row.groupId, key: Number(row.searchKey) }).toEqual({
        row: row.groupId,
        key: searchKeys({
          regions: [region],
          themes: [thema],
          timeSlots: [timecode],
          distanceBands: [band],
        })?.[0],
      });
    });
  });

  it('matches by key exactly the runs the filters match, odd values included', async () => {
    for (const filters of FILTERS) {
      const keys = searchKeys(filters);
      expect(keys).not.toBeNull();
      const byKey = await Group.findAll({
        attributes: ['groupId'],
        where: { searchKey: { [Op.in]: keys ?? [] } } as WhereOptions<Group>,
        order: [['groupId', 'ASC']],
        raw: true,
      });
      const byFilters = await Group.findAll({
        attributes: ['groupId'],
        where: { [Op.and]: searchWhere({ ...filters, dateFrom: null, dateTo: null }) },
        order: [['groupId', 'ASC']],
        raw: true,
      });
      expect(byFilters.length).toBeGreaterThan(0);
      expect({ filters, ids: byKey.map((r) => r.groupId) }).toEqual({
        filters,
        ids: byFilters.map((r) => r.groupId),
      });
    }
  });

  it('leaves broad searches (one filter, or none) to the date-ordered read', () => {
    const none = { regions: null, themes: null, timeSlots: null, distanceBands: null };
    expect(searchKeys(none)).toBeNull();
    expect(searchKeys({ ...none, regions: [1] })).toBeNull();
    expect(searchKeys({ ...none, themes: ['산'] })).toBeNull();
    expect(searchKeys({ ...none, regions: [9], themes: ['트랙'] })).toHaveLength(35);
  });

  it('keeps the key and the score in step with later writes', async () => {
    await db.sequelize.query(
      "UPDATE `Groups` SET `region` = 9, `thema` = '트랙', `timecode` = 6, `distance` = 21 WHERE `groupId` = 'g-0000'",
    );
    await db.sequelize.query(
      'UPDATE `Courses` SET `commentCnt` = 5, `clickCnt` = 100 WHERE `courseId` = ?',
      { replacements: ['c-unrated'] },
    );
    const [runRow] = await select<{ searchKey: number }>(
      "SELECT `searchKey` FROM `Groups` WHERE `groupId` = 'g-0000'",
    );
    expect(Number(runRow.searchKey)).toBe(
      searchKeys({ regions: [9], themes: ['트랙'], timeSlots: [6], distanceBands: [4] })?.[0],
    );
    const scores = await select<{ courseId: string; rankScore: number }>(
      'SELECT `courseId`, `rankScore` FROM `Courses` ORDER BY `courseId`',
    );
    expect(scores.map((s) => [s.courseId, Math.round(Number(s.rankScore) * 10) / 10])).toEqual([
      ['c-rated', 13.3],
      ['c-unrated', 105],
    ]);
  });

  it('adds the indexes, and can be undone and run again', async () => {
    const has = async (table: string, name: string) =>
      (await indexes(db, table)).some((i) => i.name === name);
    expect(await has('Groups', 'idx_Groups_searchKey_date_standbyTime_groupId')).toBe(true);
    expect(await has('Courses', 'idx_Courses_region_rankScore_createdAt_courseId')).toBe(true);
    expect(await has('Courses', 'idx_Courses_rankScore_createdAt_courseId')).toBe(true);
    await removeSearchKey(context());
    await removeRankScore(context());
    expect(await has('Groups', 'idx_Groups_searchKey_date_standbyTime_groupId')).toBe(false);
    await addSearchKey(context());
    await addSearchKey(context());
    await addRankScore(context());
    await addRankScore(context());
    const [row] = await select<{ rankScore: number }>(
      "SELECT `rankScore` FROM `Courses` WHERE `courseId` = 'c-unrated'",
    );
    expect(Number(row.rankScore)).toBe(105);
    expect(await has('Groups', 'idx_Groups_searchKey_date_standbyTime_groupId')).toBe(true);
  });
});
