import { col, literal, Op, QueryTypes, type WhereOptions } from 'sequelize';
import request from 'supertest';
import { Group } from '../src/db/models';
import { whereSql } from '../src/db/where-sql';
import { distanceBandWhere, searchWhere } from '../src/groups/search';
import { notStartedWhere, startedWhere } from '../src/groups/schedule';
import { fromKst } from '../src/lib/time';
import { GUEST, makeGroup, member, useCalendarContext, type Member } from './support/groups';

/**
 * The list reads write their SQL by hand (`src/db/where-sql.ts`, `groups.queries.ts`,
 * `search.queries.ts`) instead of through Sequelize's query builder: the conditions must mean
 * what Sequelize's SQL for them means, on the real database, and the public lists must not
 * build a query per request.
 */
const file = useCalendarContext();

describe('Conditions written by hand (whereSql)', () => {
  let host: Member;
  let at: (days: number) => string;

  beforeAll(async () => {
    ({ at } = file.calendar.window());
    host = await member(file.ctx);
    const spec: Array<[number, string, number, number, number, string]> = [
      // day, time, slot, region, distance, theme
      [0, '06:00:00', 2, 1, 3, '강변'],
      [0, '19:00:00', 5, 2, 5, '공원'],
      [1, '07:00:00', 2, 1, 9.99, '도시'],
      [2, '13:00:00', 4, 9, 10, '산'],
      [3, '21:00:00', 6, 1, 15, '트랙'],
      [5, '00:30:00', 1, 3, 22, '해변'],
    ];
    for (const [day, standbyTime, timecode, region, distance, thema] of spec) {
      await makeGroup(host.user, {
        date: at(day),
        standbyTime,
        timecode,
        region,
        distance,
        thema,
        title: `it's a \\ run ${day}`,
      });
    }
  });

  /** The host's runs meeting `where`, as Sequelize's SQL and as whereSql's find them. */
  async function bothWays(where: WhereOptions[]) {
    const mine: WhereOptions[] = [{ userId: host.user.userId }, ...where];
    const bySequelize = await Group.findAll({
      attributes: ['groupId'],
      where: { [Op.and]: mine },
      order: [['groupId', 'ASC']],
      raw: true,
    });
    const conditions = whereSql(file.ctx.sequelize, mine, 'Group');
    expect(conditions).not.toBeNull();
    const byHand = await file.ctx.sequelize.query<{ groupId: string }>(
      `SELECT \`groupId\` FROM \`Groups\` AS \`Group\` WHERE ${conditions} ORDER BY \`groupId\` ASC`,
      { type: QueryTypes.SELECT },
    );
    return { bySequelize: bySequelize.map((r) => r.groupId), byHand: byHand.map((r) => r.groupId) };
  }

  it('finds the same runs as Sequelize for every condition the lists use', async () => {
    const noon = (day: number) => fromKst(at(day), '12:00:00');
    const cases: WhereOptions[][] = [
      [],
      [notStartedWhere(noon(0))],
      [startedWhere(noon(1))],
      searchWhere({
        dateFrom: at(0),
        dateTo: at(3),
        regions: [1, 9],
        timeSlots: [2, 4, 6],
        distanceBands: [1, 3, 4],
        themes: ['강변', '도시', '산', '트랙'],
      }),
      searchWhere({
        dateFrom: at(1),
        dateTo: null,
        regions: null,
        timeSlots: null,
        distanceBands: [2],
        themes: null,
      }),
      [distanceBandWhere(4), { thema: '해변' }],
      [{ userId: { [Op.ne]: 'nobody' } }, { region: { [Op.gt]: 1, [Op.lte]: 9 } }],
      [{ title: `it's a \\ run 2` }],
      [{ [Op.or]: [{ region: 2 }, { [Op.and]: [{ region: 1 }, { distance: { [Op.lt]: 4 } }] }] }],
    ];
    for (const where of cases) {
      const { bySequelize, byHand } = await bothWays(where);
      expect(byHand).toEqual(bySequelize);
    }
    // The cases do tell runs apart: the quoted title matches one run, the empty case all six.
    expect((await bothWays([{ title: `it's a \\ run 2` }])).byHand).toHaveLength(1);
    expect((await bothWays([])).byHand).toHaveLength(6);
  });

  it('writes a conjunction flat, each OR in parentheses (MariaDB optimizes it faster)', () => {
    const now = fromKst('2300-01-02', '12:00:00');
    const sql = whereSql(
      file.ctx.sequelize,
      [{ searchKey: 352 }, { date: { [Op.lte]: '2300-01-09' } }, notStartedWhere(now)],
      'Group',
    );
    expect(sql).toBe(
      "`Group`.`searchKey` = 352 AND `Group`.`date` <= '2300-01-09' AND " +
        "`Group`.`date` >= '2300-01-02' AND " +
        "(`Group`.`date` > '2300-01-02' OR `Group`.`standbyTime` > '12:00:00')",
    );
  });

  it('leaves to Sequelize what it does not write (answers null)', () => {
    const none: WhereOptions[][] = [
      [{ finishTime: { [Op.eq]: col('standbyTime') } }],
      [literal('1 = 1') as unknown as WhereOptions],
      [{ region: [] }],
      [{ content: null }],
      [{ region: { [Op.between]: [1, 3] } }],
      [{ title: { [Op.like]: '%run%' } }],
      [{ [Op.or]: [] }],
      [{ region: Number.NaN }],
      [{ 'user.nickname': 'x' }],
    ];
    for (const where of none) expect(whereSql(file.ctx.sequelize, where, 'Group')).toBeNull();
  });
});

describe('The public lists build no query per request', () => {
  it.each([
    ['/group/main'],
    ['/group/all?date=&region=&time=&distance=&finish=0&thema=&page=1&size=6'],
    ['/group/all?region=1&page=1&size=6'],
    ['/group/all?region=1&distance=2/3/&thema=%EA%B0%95%EB%B3%80/&page=1&size=6'],
    ['/group/all?region=4/9/&thema=%EA%B0%95%EB%B3%80/&page=1&size=6'],
    ['/group/all?finish=1&page=2&size=3'],
  ])('%s reads its page without Sequelize writing SQL', async (path) => {
    const { at } = file.calendar.window();
    const host = await member(file.ctx);
    await makeGroup(host.user, { date: at(1), region: 1, distance: 7, thema: '강변' });
    const builder = jest.spyOn(
      file.ctx.sequelize.getQueryInterface().queryGenerator as { selectQuery: () => string },
      'selectQuery',
    );
    const statements = jest.spyOn(file.ctx.sequelize, 'query');
    try {
      const res = await request(file.ctx.app).get(path).set(GUEST);
      expect(res.status).toBe(200);
      expect(statements).toHaveBeenCalled();
      expect(builder).not.toHaveBeenCalled();
    } finally {
      builder.mockRestore();
      statements.mockRestore();
    }
  });
});
