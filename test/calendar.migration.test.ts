import crypto from 'node:crypto';
import { createMigrator, migrate } from '../src/db/migrator';
import { CalendarFeed, initModels } from '../src/db/models';
import { runsOnCalendar } from '../src/calendar/calendar.queries';
import { up as addFeeds } from '../migrations/20261203001200-calendar-feeds';
import { createOriginalSchema } from './support/original-schema';
import {
  createScratchDatabase,
  foreignKeys,
  indexes,
  insertRows,
  selectAll,
  tableNames,
  withoutKeyChecks,
  type ScratchDatabase,
} from './support/migrations';

const MINE = '20261203001200-calendar-feeds';
const TABLE = 'CalendarFeeds';

/** Everything that makes up the feeds table, comparable between two databases. */
async function shape(db: ScratchDatabase) {
  const columns = await db.sequelize.getQueryInterface().describeTable(TABLE);
  return {
    columns: Object.entries(columns).map(([name, c]) => ({
      name,
      type: c.type,
      allowNull: c.allowNull,
      primaryKey: c.primaryKey,
    })),
    indexes: await indexes(db, TABLE),
    foreignKeys: await foreignKeys(db, TABLE),
  };
}

const hex = () => crypto.randomBytes(32).toString('hex');
const feed = (userId: string, secretHash = hex()) => ({
  userId,
  seed: hex(),
  secretHash,
  createdAt: '2026-12-03 10:00:00',
});

const user = (userId: string) => ({
  userId,
  nickname: userId,
  profileUrl: 'https://example.com/p.png',
  social: 'kakao',
  socialId: `k-${userId}`,
});

describe('The calendar feed migration', () => {
  let fresh: ScratchDatabase;
  let upgraded: ScratchDatabase;

  beforeAll(async () => {
    fresh = await createScratchDatabase();
    await migrate(fresh.sequelize);

    // An original database: a host's run that another runner joined, written by the original.
    upgraded = await createScratchDatabase();
    await createOriginalSchema(upgraded);
    await withoutKeyChecks(upgraded, async (options) => {
      await insertRows(upgraded, 'Users', [user('u-host'), user('u-runner')], options);
      await insertRows(
        upgraded,
        'Groups',
        [
          {
            groupId: 'g-1',
            userId: 'u-host',
            mapLatLng: '[{"lat":37.52,"lng":126.93}]',
            title: '여의도 러닝',
            maxPeople: 5,
            date: '2026-12-20',
            standbyTime: '07:00:00',
            finishTime: '23:00:00',
            distance: 5.5,
            speed: `6'00" km/h`,
            location: '서울 영등포구 여의동로 330',
            region: 1,
            timecode: 1,
            thema: '도심',
            chattingRoom: '',
            createdAt: '2026-12-01 09:00:00',
            updatedAt: '2026-12-02 09:00:00',
          },
        ],
        options,
      );
      await insertRows(
        upgraded,
        'Appliers',
        [
          { applyId: 'a-1', userId: 'u-host', groupId: 'g-1', attendance: 0, evaluation: 0 },
          { applyId: 'a-2', userId: 'u-runner', groupId: 'g-1', attendance: 0, evaluation: 0 },
        ],
        options,
      );
    });
    await migrate(upgraded.sequelize);
    // Two databases migrated from nothing: longer than one test's default on a busy machine.
  }, 120_000);

  afterAll(async () => {
    await fresh?.drop();
    await upgraded?.drop();
  });

  it('Makes a table keyed by user, its secret hash unique, cascading from Users', async () => {
    const made = await shape(fresh);
    expect(made.columns.map((c) => [c.name, c.allowNull, c.primaryKey])).toEqual([
      ['userId', false, true],
      ['seed', false, false],
      ['secretHash', false, false],
      ['createdAt', false, false],
    ]);
    expect(made.indexes).toEqual([
      { name: 'uq_CalendarFeeds_secretHash', unique: true, columns: ['secretHash'] },
    ]);
    expect(made.foreignKeys).toEqual([
      expect.objectContaining({
        column: 'userId',
        parent: 'Users',
        parentColumn: 'userId',
        onDelete: 'CASCADE',
        onUpdate: 'CASCADE',
      }),
    ]);
    if (fresh.dialect === 'mysql') expect(made.foreignKeys[0].name).toBe('fk_CalendarFeeds_userId');
  });

  it('Has exactly the columns, types and nullability the model declares', async () => {
    initModels(fresh.sequelize);
    const columns = await fresh.sequelize.getQueryInterface().describeTable(TABLE);
    const attributes = CalendarFeed.getAttributes();
    expect(Object.keys(columns).sort()).toEqual(Object.keys(attributes).sort());
    for (const [name, attribute] of Object.entries(attributes)) {
      expect({ name, type: columns[name].type, allowNull: columns[name].allowNull }).toEqual({
        name,
        type: (attribute.type as { toSql(): string }).toSql(),
        allowNull: false,
      });
    }
  });

  it('Ends in the same table on an upgraded original database as on an empty one', async () => {
    expect(await shape(upgraded)).toEqual(await shape(fresh));
  });

  it('Refuses a second feed for a user or a repeated hash, and loses the feed with its user', async () => {
    await insertRows(upgraded, 'Users', [user('u-other')]);
    await insertRows(upgraded, TABLE, [feed('u-runner'), feed('u-other', 'a'.repeat(64))]);
    await expect(insertRows(upgraded, TABLE, [feed('u-runner')])).rejects.toThrow();
    await expect(insertRows(upgraded, TABLE, [feed('u-host', 'a'.repeat(64))])).rejects.toThrow();

    await upgraded.sequelize.query("DELETE FROM `Users` WHERE `userId` = 'u-other'");
    const left = await selectAll(upgraded, `SELECT userId FROM \`${TABLE}\` ORDER BY userId`);
    expect(left.map((r) => r.userId)).toEqual(['u-runner']);
  });

  it("Reads the original's runs for the feed, with their times", async () => {
    const runs = await runsOnCalendar(upgraded.sequelize, 'u-runner', '2026-11-20', 10);
    expect(runs).toEqual([
      expect.objectContaining({
        groupId: 'g-1',
        title: '여의도 러닝',
        date: '2026-12-20',
        standbyTime: '07:00:00',
        distance: 5.5,
      }),
    ]);
    expect(runs[0].updatedAt.getTime() - runs[0].createdAt.getTime()).toBe(86_400_000);
    expect(await runsOnCalendar(upgraded.sequelize, 'u-runner', '2026-12-21', 10)).toEqual([]);
  });

  it('Is safe to run again, and reverts to no table and back', async () => {
    const migrator = createMigrator(fresh.sequelize);
    const before = await shape(fresh);
    await addFeeds({
      sequelize: fresh.sequelize,
      queryInterface: fresh.sequelize.getQueryInterface(),
    });
    expect(await shape(fresh)).toEqual(before);

    await migrator.down({ to: MINE });
    expect(await tableNames(fresh)).not.toContain(TABLE);
    await migrator.up();
    expect(await shape(fresh)).toEqual(before);
  });
});
