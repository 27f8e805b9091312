/**
 * The group search's filters as one stored key: `Groups.searchKey`, a generated column, and the
 * index `(searchKey, date, standbyTime, groupId)`.
 *
 * The SPA filters runs by region, theme, time slot and distance band, each a short list of codes.
 * Every run falls in exactly one combination of the four, numbered here as
 *
 *   searchKey = region * 245 + theme * 35 + timeSlot * 5 + distanceBand
 *
 * with region 0..9 as stored (10 for any other value), theme 1..6 in the order of
 * `src/lib/codes.ts` THEMES (0 for any other), time slot 1..6 as stored (0 for any other) and the
 * distance band 1..4 as the filter reads it (`distance` from 0 under 5, 5 under 10, 10 under 15,
 * from 15; 0 for a negative distance). The database computes it with the very comparisons the
 * filters make (its own collation for the theme, the FLOAT as stored for the distance), so a run
 * matches a search exactly when its key is one of the search's combinations
 * (`src/groups/search.ts`). A search naming a few combinations reads each one's runs from the
 * index in date order and stops at the page, whatever the number of runs (bench/README.md).
 *
 * Generated, so every write keeps it (the application never writes it) and the rows of an
 * upgraded database get theirs when the column is added. STORED on MySQL/MariaDB; SQLite can only
 * add a VIRTUAL one, which its index stores all the same. Safe to run again.
 */
import type { MigrationContext } from '../src/db/migrator';
import { dialectOf } from '../src/db/sequelize';
import { addIndexes, dropIndexesAndColumns, hasColumn } from './support/catalogue';

/** The themes as numbered by the key, frozen here (a new theme needs a new migration). */
const THEMES = ['산', '도시', '강변', '해변', '공원', '트랙'];

const codes = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i).join(', ');

const KEY =
  `(CASE WHEN \`region\` IN (${codes(0, 9)}) THEN \`region\` ELSE 10 END) * 245` +
  ` + (CASE \`thema\` ${THEMES.map((t, i) => `WHEN '${t}' THEN ${i + 1}`).join(' ')} ELSE 0 END) * 35` +
  ` + (CASE WHEN \`timecode\` IN (${codes(1, 6)}) THEN \`timecode\` ELSE 0 END) * 5` +
  ' + (CASE WHEN `distance` >= 15 THEN 4 WHEN `distance` >= 10 THEN 3' +
  ' WHEN `distance` >= 5 THEN 2 WHEN `distance` >= 0 THEN 1 ELSE 0 END)';

const INDEX = {
  name: 'idx_Groups_searchKey_date_standbyTime_groupId',
  columns: ['searchKey', 'date', 'standbyTime', 'groupId'],
};

export async function up({ sequelize }: MigrationContext): Promise<void> {
  if (!(await hasColumn(sequelize, 'Groups', 'searchKey'))) {
    const kind = dialectOf(sequelize) === 'mysql' ? 'STORED' : 'VIRTUAL';
    await sequelize.query(
      `ALTER TABLE \`Groups\` ADD COLUMN \`searchKey\` INTEGER GENERATED ALWAYS AS (${KEY}) ${kind}`,
    );
  }
  await addIndexes(sequelize, 'Groups', [INDEX]);
}

export async function down({ sequelize }: MigrationContext): Promise<void> {
  await dropIndexesAndColumns(sequelize, 'Groups', [INDEX], ['searchKey']);
}
