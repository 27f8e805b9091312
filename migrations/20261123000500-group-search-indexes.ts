/**
 * An index for the group search by region: `Groups(region, date, standbyTime)`.
 *
 * The search lists runs soonest first and reads them from the (date, standbyTime) index,
 * stopping once a page is full; the filters are checked on the way. That stays cheap while
 * matching runs are common, but a region with few runs (with a theme or distance on top) would
 * make it walk every run to come. The region is the SPA's one single-valued filter, so this
 * index serves it directly, in order (bench/README.md has the numbers). Safe to run again.
 */
import { QueryTypes } from 'sequelize';
import type { MigrationContext } from '../src/db/migrator';
import { dialectOf } from '../src/db/sequelize';

const INDEX = {
  name: 'idx_Groups_region_date_standbyTime',
  columns: ['region', 'date', 'standbyTime'],
};

const q = (identifier: string) => `\`${identifier}\``;

async function hasIndex({ sequelize }: MigrationContext): Promise<boolean> {
  const rows = await sequelize.query<{ name: string }>(
    dialectOf(sequelize) === 'mysql'
      ? "SELECT INDEX_NAME AS name FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'Groups' AND INDEX_NAME = ?"
      : "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'Groups' AND name = ?",
    { type: QueryTypes.SELECT, replacements: [INDEX.name] },
  );
  return rows.length > 0;
}

export async function up(context: MigrationContext): Promise<void> {
  if (await hasIndex(context)) return;
  await context.sequelize.query(
    `CREATE INDEX ${q(INDEX.name)} ON ${q('Groups')} (${INDEX.columns.map(q).join(', ')})`,
  );
}

export async function down(context: MigrationContext): Promise<void> {
  if (!(await hasIndex(context))) return;
  await context.sequelize.query(
    dialectOf(context.sequelize) === 'mysql'
      ? `DROP INDEX ${q(INDEX.name)} ON ${q('Groups')}`
      : `DROP INDEX ${q(INDEX.name)}`,
  );
}
