/**
 * An index for the group search by region: `Groups(region, date, standbyTime)`.
 *
 * The search lists runs soonest first and reads them from the (date, standbyTime) index,
 * stopping once a page is full; the filters are checked on the way. That stays cheap while
 * matching runs are common, but a region with few runs (with a theme or distance on top) would
 * make it walk every run to come. The region is the SPA's one single-valued filter, so this
 * index serves it directly, in order (bench/README.md has the numbers). Safe to run again.
 */
import type { MigrationContext } from '../src/db/migrator';
import { dropIndex, hasIndex, q } from './support/catalogue';

const INDEX = {
  name: 'idx_Groups_region_date_standbyTime',
  columns: ['region', 'date', 'standbyTime'],
};

export async function up({ sequelize }: MigrationContext): Promise<void> {
  if (await hasIndex(sequelize, 'Groups', INDEX.name)) return;
  await sequelize.query(
    `CREATE INDEX ${q(INDEX.name)} ON ${q('Groups')} (${INDEX.columns.map(q).join(', ')})`,
  );
}

export async function down({ sequelize }: MigrationContext): Promise<void> {
  if (!(await hasIndex(sequelize, 'Groups', INDEX.name))) return;
  await dropIndex(sequelize, 'Groups', INDEX.name);
}
