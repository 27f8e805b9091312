import { QueryTypes, type Sequelize } from 'sequelize';
import type { BoundingBox } from '../lib/geo';
import type { CellLookup } from './near-cells';
import { pageCardsSql } from './cards.queries';
import type { ColumnOrder, PageRow } from './groups.queries';

/**
 * The SQL of the near-me search (`near.service.ts`): the runs whose start lies in a box, by the
 * grid's cells (`near-cells.ts`), and the cards of the page found.
 */

/** A run's start point as read by the near-me search (MySQL answers DECIMAL as text). */
export interface StartPointRow {
  groupId: string;
  startLat: number | string;
  startLng: number | string;
}

/** Korea's date and time of an instant: where the runs not started yet begin. */
export interface KoreaNow {
  today: string;
  time: string;
}

/**
 * The runs not started at `at`, as `notStartedWhere` (`schedule.ts`) has Sequelize write it:
 * `date >= today AND (date > today OR standbyTime > time)`, a range of the (…, date,
 * standbyTime) indexes.
 */
const notStartedSql = (sequelize: Sequelize, at: KoreaNow, table: string): string => {
  const today = sequelize.escape(at.today);
  return (
    `(\`${table}\`.\`date\` >= ${today} AND (\`${table}\`.\`date\` > ${today} OR ` +
    `\`${table}\`.\`standbyTime\` > ${sequelize.escape(at.time)}))`
  );
};

/** A number of the search (a finite double) as an SQL literal, as Sequelize escapes one. */
const numberSql = (value: number): string => {
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  return String(value);
};

/**
 * The runs not started at `at` whose start lies in the box (latitudes as one range, longitudes
 * as one range or two across the antimeridian). Only the id and the start are read. Written by
 * hand (no query building per ring: a near-me page reads up to seven).
 *
 * Read from the (startCell, date, standbyTime, startLat, startLng, groupId) index alone, by the
 * grid cells covering the box (`near-cells.ts`): per cell named, a range over its runs not
 * started yet; per range of cells (a row of a wide box), the runs of those cells, the runs
 * started and the box's edges checked in the index. Either way only the runs near the box are
 * read, however many runs share its latitudes elsewhere.
 */
export async function selectStartsInBox(
  sequelize: Sequelize,
  box: BoundingBox,
  at: KoreaNow,
  lookup: CellLookup,
): Promise<StartPointRow[]> {
  const hint = sequelize.getDialect() !== 'sqlite' ? ` FORCE INDEX (\`${BY_START_CELL}\`)` : '';
  const cells =
    'cells' in lookup
      ? `\`Group\`.\`startCell\` IN (${lookup.cells.map(numberSql).join(', ')})`
      : `(${lookup.ranges
          .map(
            ([from, to]) =>
              `\`Group\`.\`startCell\` BETWEEN ${numberSql(from)} AND ${numberSql(to)}`,
          )
          .join(' OR ')})`;
  const longitudes = box.lngRanges
    .map(([min, max]) => `\`Group\`.\`startLng\` BETWEEN ${numberSql(min)} AND ${numberSql(max)}`)
    .join(' OR ');
  const sql =
    `SELECT \`groupId\`, \`startLat\`, \`startLng\` FROM \`Groups\` AS \`Group\`${hint} WHERE ` +
    `${cells} AND ` +
    `\`Group\`.\`startLat\` BETWEEN ${numberSql(box.minLat)} AND ${numberSql(box.maxLat)} AND ` +
    `(${longitudes}) AND ${notStartedSql(sequelize, at, 'Group')}`;
  return sequelize.query<StartPointRow>(sql, { type: QueryTypes.SELECT });
}

/**
 * The cards of the runs `groupIds` that have not started at `at` (a run that started since it
 * was found is left out), in no particular order, as {@link selectCards} reads a page: one
 * hand-written statement, the ids' rows joined by primary key.
 */
export function selectCardsOf(
  sequelize: Sequelize,
  groupIds: string[],
  at: KoreaNow,
  viewerId: string | null,
): Promise<PageRow[]> {
  const pageSql =
    'SELECT `r`.`groupId`, `r`.`date`, `r`.`standbyTime` FROM `Groups` AS `r` ' +
    `WHERE \`r\`.\`groupId\` IN (${groupIds.map((id) => sequelize.escape(id)).join(', ')}) AND ` +
    notStartedSql(sequelize, at, 'r');
  const sql = pageCardsSql(sequelize, viewerId, pageSql, SOONEST_FIRST);
  return sequelize.query<PageRow>(sql, { type: QueryTypes.SELECT, nest: true });
}

/** The order of the runs to come (the (date, standbyTime) index's, ties by id). */
const SOONEST_FIRST: ColumnOrder = [
  ['date', 'ASC'],
  ['standbyTime', 'ASC'],
  ['groupId', 'ASC'],
];

/** Migration 20261203002200's index; MariaDB would rather range over the latitude's. */
const BY_START_CELL = 'idx_Groups_startCell_date_standbyTime_startLat_startLng_groupId';
