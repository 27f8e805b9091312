/**
 * The notification worker's state (see "Notification worker" in the README):
 *
 * - `Alarms.dedupeKey` (`category/groupId/userId`, unique): set only on the worker's D-day, start
 *   and end alarms, so two workers, a retried tick or a replayed window can never write a second
 *   one. Other alarms leave it NULL; NULLs never collide, so comment and reply alarms still repeat
 *   for the same user, group and category as they should.
 * - The SMS outbox on the alarm row itself: `smsStatus` (NULL when the alarm has no text to send,
 *   else pending → sending → sent, or failed / skipped), `smsAttempts`, `smsNextAttemptAt`,
 *   `smsClaimedAt` and `smsClaimToken` (when and by which claim a worker took the row to call
 *   SENS) and `smsError` (last failure, never a phone number), indexed for the sender's scan.
 *   `sendPhone` keeps its meaning (0 nothing sent, 1 SMS, 2 LMS).
 * - `WorkerScans`: per job, the instant up to which it last scanned successfully. A table rather
 *   than a key-store entry: it lives and is backed up with the alarms it describes, and a Redis
 *   flush or an embedded key-store reset cannot make the worker forget where it was.
 *
 * Upgrading: existing alarms get no SMS state (nothing is re-sent). Of the original worker's
 * D-day/start/end alarms, which could repeat, one per (user, group, category) — the smallest
 * alarmId — gets its key, so a run on the day of the switch is not announced a second time.
 * Every step checks what is already there, so an interrupted run is finished by running again.
 */
import { QueryTypes, type Sequelize } from 'sequelize';
import type { MigrationContext } from '../src/db/migrator';
import { dialectOf, type Dialect } from '../src/db/sequelize';
import { columnNames, dropIndex, hasTable, indexNames, q } from './support/catalogue';

const COLUMNS: Array<[name: string, sql: string]> = [
  // category/groupId/userId: at most 5 + 1 + 150 + 1 + 150 characters.
  ['dedupeKey', 'VARCHAR(320) NULL'],
  ['smsStatus', 'VARCHAR(10) NULL'],
  ['smsAttempts', 'INTEGER NOT NULL DEFAULT 0'],
  ['smsNextAttemptAt', 'DATETIME NULL'],
  ['smsClaimedAt', 'DATETIME NULL'],
  ['smsClaimToken', 'VARCHAR(36) NULL'],
  ['smsError', 'VARCHAR(255) NULL'],
];

const INDEXES: Array<[name: string, unique: boolean, columns: string[]]> = [
  ['uq_Alarms_dedupeKey', true, ['dedupeKey']],
  ['idx_Alarms_smsStatus_smsNextAttemptAt', false, ['smsStatus', 'smsNextAttemptAt']],
];

const WORKER_CATEGORIES = ['Dday', 'start', 'end'];
const BACKFILL_CHUNK = 500;

/** Keys for the original worker's alarms: one per (user, group, category), never a clash. */
async function backfillKeys(sequelize: Sequelize, dialect: Dialect): Promise<void> {
  const keepers = await sequelize.query<{ alarmId: string }>(
    `SELECT MIN(alarmId) AS alarmId FROM ${q('Alarms')}
      WHERE category IN (?) AND groupId IS NOT NULL
      GROUP BY userId, groupId, category
     HAVING COUNT(dedupeKey) = 0`,
    { type: QueryTypes.SELECT, replacements: [WORKER_CATEGORIES] },
  );
  const key =
    dialect === 'mysql'
      ? "CONCAT(category, '/', groupId, '/', userId)"
      : "category || '/' || groupId || '/' || userId";
  for (let i = 0; i < keepers.length; i += BACKFILL_CHUNK) {
    const ids = keepers.slice(i, i + BACKFILL_CHUNK).map((k) => k.alarmId);
    await sequelize.query(`UPDATE ${q('Alarms')} SET dedupeKey = ${key} WHERE alarmId IN (?)`, {
      replacements: [ids],
    });
  }
}

export async function up({ sequelize }: MigrationContext): Promise<void> {
  const dialect = dialectOf(sequelize);
  const present = await columnNames(sequelize, 'Alarms');
  const missing = COLUMNS.filter(([name]) => !present.has(name));
  if (missing.length > 0) {
    if (dialect === 'mysql') {
      // One statement, so the table is rebuilt (if at all) once.
      await sequelize.query(
        `ALTER TABLE ${q('Alarms')} ${missing.map(([n, sql]) => `ADD COLUMN ${q(n)} ${sql}`).join(', ')}`,
      );
    } else {
      for (const [name, sql] of missing) {
        await sequelize.query(`ALTER TABLE ${q('Alarms')} ADD COLUMN ${q(name)} ${sql}`);
      }
    }
  }

  const indexes = await indexNames(sequelize, 'Alarms');
  if (!indexes.has('uq_Alarms_dedupeKey')) await backfillKeys(sequelize, dialect);
  for (const [name, unique, columns] of INDEXES) {
    if (!indexes.has(name)) {
      await sequelize.query(
        `CREATE ${unique ? 'UNIQUE INDEX' : 'INDEX'} ${q(name)} ON ${q('Alarms')} (${columns.map(q).join(', ')})`,
      );
    }
  }

  if (!(await hasTable(sequelize, 'WorkerScans'))) {
    const options =
      dialect === 'mysql'
        ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci'
        : '';
    await sequelize.query(
      `CREATE TABLE ${q('WorkerScans')} (
        ${q('job')} VARCHAR(50) NOT NULL,
        ${q('scannedUntil')} DATETIME NOT NULL,
        ${q('updatedAt')} DATETIME NOT NULL,
        PRIMARY KEY (${q('job')})
      )${options}`,
    );
  }
}

export async function down({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`DROP TABLE IF EXISTS ${q('WorkerScans')}`);
  // SQLite refuses to drop an indexed column, so the indexes go first on both.
  const indexes = await indexNames(sequelize, 'Alarms');
  for (const [name] of INDEXES) {
    if (!indexes.has(name)) continue;
    await dropIndex(sequelize, 'Alarms', name);
  }
  const present = await columnNames(sequelize, 'Alarms');
  for (const [name] of COLUMNS) {
    if (present.has(name)) {
      await sequelize.query(`ALTER TABLE ${q('Alarms')} DROP COLUMN ${q(name)}`);
    }
  }
}
