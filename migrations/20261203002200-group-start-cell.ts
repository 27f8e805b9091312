/**
 * The cell of the near-me search's grid a run's route starts in: `Groups.startCell`, a
 * generated column, and the index `(startCell, date, standbyTime, startLat, startLng, groupId)`.
 *
 * The grid cuts latitudes and longitudes into steps of 1/200 degree (about 560 m north–south,
 * 440 m east–west in Korea), numbered from the south pole and the antimeridian so every cell
 * number is positive:
 *
 *   startCell = FLOOR((startLat + 90) * 200) * 100000 + FLOOR((startLng + 180) * 200)
 *
 * NULL when the run has no start point. The near-me search names the cells its box covers
 * (`src/groups/near-cells.ts`) and reads, per cell, only the runs that have not started, from
 * the index alone (start point and id included): what it reads grows with the runs near the
 * caller, not with the runs at the caller's latitude as the (startLat, …) index's band did.
 *
 * Generated, so every write of the start point keeps it (the application never writes it) and
 * the rows of an upgraded database get theirs when the column is added. STORED on
 * MySQL/MariaDB (exact DECIMAL arithmetic); SQLite can only add a VIRTUAL one, which its index
 * stores all the same (the start point is stored as a REAL there: a point within a
 * floating-point rounding of a cell's edge may fall in either cell, which the search allows
 * for). Raw SQL on both dialects: SQLite's table description fails on a table with an index
 * over a generated column. Safe to run again.
 */
import type { MigrationContext } from '../src/db/migrator';
import { dialectOf } from '../src/db/sequelize';
import { addIndexes, dropIndexesAndColumns, hasColumn } from './support/catalogue';

/** Cells per degree and the factor between the latitude's and the longitude's cell numbers. */
const PER_DEGREE = 200;
const ROW = 100_000;

const INDEX = {
  name: 'idx_Groups_startCell_date_standbyTime_startLat_startLng_groupId',
  columns: ['startCell', 'date', 'standbyTime', 'startLat', 'startLng', 'groupId'],
};

export async function up({ sequelize }: MigrationContext): Promise<void> {
  if (!(await hasColumn(sequelize, 'Groups', 'startCell'))) {
    const mysql = dialectOf(sequelize) === 'mysql';
    // SQLite has no FLOOR before 3.35 (and only with its math functions); the values are
    // positive, where CAST truncates as FLOOR rounds.
    const floor = (sql: string) => (mysql ? `FLOOR(${sql})` : `CAST(${sql} AS INTEGER)`);
    const cell =
      `${floor(`(\`startLat\` + 90) * ${PER_DEGREE}`)} * ${ROW}` +
      ` + ${floor(`(\`startLng\` + 180) * ${PER_DEGREE}`)}`;
    await sequelize.query(
      `ALTER TABLE \`Groups\` ADD COLUMN \`startCell\` BIGINT GENERATED ALWAYS AS (${cell}) ${mysql ? 'STORED' : 'VIRTUAL'}`,
    );
  }
  await addIndexes(sequelize, 'Groups', [INDEX]);
}

export async function down({ sequelize }: MigrationContext): Promise<void> {
  await dropIndexesAndColumns(sequelize, 'Groups', [INDEX], ['startCell']);
}
