import { createMigrator } from '../src/db/migrator';
import {
  down as removeWorkerState,
  up as addWorkerState,
} from '../migrations/20261123000800-notification-worker';
import {
  createScratchDatabase,
  indexes,
  insertRows,
  selectAll,
  tableNames,
  type ScratchDatabase,
} from './support/migrations';

const MINE = '20261123000800-notification-worker';
const AT = '2022-06-12 04:00:00';

let db: ScratchDatabase;
const context = () => ({
  queryInterface: db.sequelize.getQueryInterface(),
  sequelize: db.sequelize,
});

beforeAll(async () => {
  db = await createScratchDatabase();
  // Everything before this migration, then the original worker's rows.
  const migrator = createMigrator(db.sequelize);
  const names = (await migrator.pending()).map((m) => m.name);
  const before = names.slice(0, names.indexOf(MINE));
  if (before.length > 0) await migrator.up({ to: before[before.length - 1] });
  await insertRows(
    db,
    'Users',
    ['u-1', 'u-2'].map((userId) => ({ userId, nickname: userId, profileUrl: 'p', agreeSMS: 1 })),
  );
  const alarm = (alarmId: string, userId: string, category: string, groupId: string | null) => ({
    alarmId,
    userId,
    category,
    groupId,
    groupTitle: 'g',
    check: 0,
    sendPhone: 1,
    createdAt: AT,
    updatedAt: AT,
  });
  await insertRows(db, 'Alarms', [
    // The original sent some reminders twice.
    alarm('al-b', 'u-1', 'start', 'g-1'),
    alarm('al-a', 'u-1', 'start', 'g-1'),
    alarm('al-c', 'u-1', 'Dday', 'g-1'),
    alarm('al-d', 'u-2', 'start', 'g-1'),
    alarm('al-e', 'u-1', 'end', null),
    alarm('al-f', 'u-1', 'comment', 'g-1'),
    alarm('al-g', 'u-1', 'comment', 'g-1'),
  ]);
  await migrator.up({ to: MINE });
});
afterAll(async () => {
  await db?.drop();
});

const keys = async () =>
  Object.fromEntries(
    (
      await selectAll(
        db,
        'SELECT alarmId, dedupeKey, smsStatus, smsAttempts, sendPhone FROM `Alarms` ORDER BY alarmId',
      )
    ).map((r) => [
      r.alarmId,
      [r.dedupeKey, r.smsStatus, Number(r.smsAttempts), Number(r.sendPhone)],
    ]),
  );

const EXPECTED = {
  'al-a': ['start/g-1/u-1', null, 0, 1],
  'al-b': [null, null, 0, 1],
  'al-c': ['Dday/g-1/u-1', null, 0, 1],
  'al-d': ['start/g-1/u-2', null, 0, 1],
  'al-e': [null, null, 0, 1],
  'al-f': [null, null, 0, 1],
  'al-g': [null, null, 0, 1],
};

describe('The notification worker migration on existing alarms', () => {
  it("keys one of the original worker's alarms per user, run and category; the rest keep no key and no text state", async () => {
    expect(await keys()).toEqual(EXPECTED);
  });

  it('then refuses a second worker alarm for a keyed triple, and still takes repeated comment alarms', async () => {
    const row = (alarmId: string, category: string, dedupeKey: string | null) => ({
      alarmId,
      userId: 'u-1',
      category,
      groupId: 'g-1',
      dedupeKey,
      check: 0,
      sendPhone: 0,
      createdAt: AT,
      updatedAt: AT,
    });
    await expect(
      insertRows(db, 'Alarms', [row('al-x', 'start', 'start/g-1/u-1')]),
    ).rejects.toThrow();
    await insertRows(db, 'Alarms', [row('al-y', 'comment', null), row('al-z', 'comment', null)]);
    await db.sequelize.query("DELETE FROM `Alarms` WHERE alarmId IN ('al-y', 'al-z')");
  });

  it('is safe to run again, and reverts to the original columns and back', async () => {
    await addWorkerState(context());
    expect(await keys()).toEqual(EXPECTED);

    await removeWorkerState(context());
    expect(await tableNames(db)).not.toContain('WorkerScans');
    const columns = Object.keys(await db.sequelize.getQueryInterface().describeTable('Alarms'));
    expect(columns.filter((c) => c.startsWith('sms') || c === 'dedupeKey')).toEqual([]);
    expect((await indexes(db, 'Alarms')).map((i) => i.name)).toEqual([
      'idx_Alarms_userId_createdAt',
    ]);

    await addWorkerState(context());
    expect(await keys()).toEqual(EXPECTED);
    expect(await tableNames(db)).toContain('WorkerScans');
  });
});
