/**
 * Where each run's route starts, in columns of its own for the near-me search:
 * `Groups.startLat` and `Groups.startLng` (DECIMAL(9,6), about 11 cm; NULL when the route cannot
 * be read), and an index a bounding box can range over.
 *
 * The index leads with the latitude (the box's range), then the longitude and the start
 * (date, meeting time), so the box and "not started yet" are both checked inside the index and
 * only matching runs are read; on InnoDB it holds the primary key too, so the search's first
 * step reads the index alone.
 *
 * The application keeps both columns in step with `mapLatLng` on every write (the Group model's
 * hooks); here they are filled once from the routes already stored, which on a database written
 * by the original are JSON text like the SPA sends. Routes that cannot be read keep NULL and are
 * never found by distance. Safe to run again: only rows still without a start are read.
 */
import type { MigrationContext } from '../src/db/migrator';
import { startPointOf } from '../src/lib/route';
import { dropIndex, hasColumn, hasIndex, q, select } from './support/catalogue';

const COLUMNS = ['startLat', 'startLng'];
const INDEX = {
  name: 'idx_Groups_startLat_startLng_date_standbyTime',
  columns: ['startLat', 'startLng', 'date', 'standbyTime'],
};
/** Runs read and written per transaction, so memory stays bounded on a large table. */
const BATCH = 1_000;

export async function up({ sequelize }: MigrationContext): Promise<void> {
  for (const column of COLUMNS) {
    if (await hasColumn(sequelize, 'Groups', column)) continue;
    await sequelize.query(`ALTER TABLE \`Groups\` ADD COLUMN ${q(column)} DECIMAL(9,6) NULL`);
  }
  let after = '';
  for (;;) {
    const rows = await select<{ groupId: string; mapLatLng: string | null }>(
      sequelize,
      'SELECT `groupId`, `mapLatLng` FROM `Groups` WHERE `startLat` IS NULL AND `groupId` > ? ' +
        'ORDER BY `groupId` LIMIT ?',
      [after, BATCH],
    );
    if (rows.length === 0) break;
    await sequelize.transaction(async (transaction) => {
      for (const row of rows) {
        const start = startPointOf(row.mapLatLng);
        if (!start) continue;
        await sequelize.query(
          'UPDATE `Groups` SET `startLat` = ?, `startLng` = ? WHERE `groupId` = ?',
          { replacements: [start.lat, start.lng, row.groupId], transaction },
        );
      }
    });
    after = rows[rows.length - 1].groupId;
  }
  if (!(await hasIndex(sequelize, 'Groups', INDEX.name))) {
    await sequelize.query(
      `CREATE INDEX ${q(INDEX.name)} ON \`Groups\` (${INDEX.columns.map(q).join(', ')})`,
    );
  }
}

export async function down({ sequelize }: MigrationContext): Promise<void> {
  if (await hasIndex(sequelize, 'Groups', INDEX.name)) {
    await dropIndex(sequelize, 'Groups', INDEX.name);
  }
  for (const column of COLUMNS) {
    if (!(await hasColumn(sequelize, 'Groups', column))) continue;
    await sequelize.query(`ALTER TABLE \`Groups\` DROP COLUMN ${q(column)}`);
  }
}
