import { QueryTypes, type Sequelize } from 'sequelize';
import type { BoundingBox } from '../lib/geo';
import { cellRangesOf } from './near-cells';
import { pageCardsSql } from './cards.queries';
import type { ColumnOrder, PageRow } from './groups.queries';

/**
 * The SQL of the near-me search (`near.service.ts`): the runs whose start lies in a box, by the
 * grid's rows of cells (`near-cells.ts`), and the cards of the page found.
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

/** `startCell BETWEEN from AND to` of the near-me search's table. */
const cellsBetween = ([from, to]: [number, number]): string =>
  `\`Group\`.\`startCell\` BETWEEN ${numberSql(from)} AND ${numberSql(to)}`;

/**
 * The box's ranges of cells (ascending, `cellRangesOf` of `near-cells.ts`) as a condition
 * MariaDB reads as exactly those ranges of the startCell index, in groups of about the square
 * root of their number, each behind its own first-to-last range: MariaDB checks the whole
 * condition again on every index entry it reads, and a plain OR of a 50 km box's 181 ranges
 * cost it more than reading the entries (`ANALYZE FORMAT=JSON` at 100,000 runs, Haeundae:
 * 20.8 ms of 22.9 checking them; grouped 2.3 of 4.4).
 */
function cellRangesSql(ranges: Array<[number, number]>): string {
  const size = Math.ceil(Math.sqrt(ranges.length));
  const groups: string[] = [];
  for (let i = 0; i < ranges.length; i += size) {
    const group = ranges.slice(i, i + size);
    const each = group.map(cellsBetween).join(' OR ');
    const whole: [number, number] = [group[0][0], group[group.length - 1][1]];
    groups.push(group.length === 1 ? each : `(${cellsBetween(whole)} AND (${each}))`);
  }
  return `(${groups.join(' OR ')})`;
}

/**
 * MariaDB reads a box by its ranges of cells while they are at most this many (one a row, two
 * across the antimeridian: a box of about 10 km around Korea's latitudes, 5 km across the
 * antimeridian), a wider one by the latitude band. Its optimizer estimates
 * each range on its own, about 5 µs apiece: at 1,000 runs a 50 km box's 181 ranges cost 0.9 ms
 * where the band cost 0.3, and a 32 km one's 0.7 against 0.3; at 100,000 runs the band of a
 * sparse place costs more (Gangneung, 50 km: 11.1 ms, the rows 2.4) and a dense one's less
 * (Yeouido: 13.7, the rows 18.2), the box's own runs read either way. Up to 10 km the rows
 * cost 0.1–0.2 ms more at 1,000 runs and up to half the band's at 100,000 (Yeouido, 8 km: 3.9
 * against 7.7). `ANALYZE FORMAT=JSON`, optimization and execution, the bench's four places.
 */
const MAX_RANGES = 40;

/**
 * The runs not started at `at` whose start lies in the box (latitudes as one range, longitudes
 * as one range or two across the antimeridian). Only the id and the start are read. Written by
 * hand (no query building per ring: a near-me page reads up to six).
 *
 * MariaDB reads a box of up to {@link MAX_RANGES} ranges of cells (`near-cells.ts`) from the
 * (startCell, date, standbyTime, startLat, startLng, groupId) index alone, one range of cells
 * per row, the runs started and the box's edges checked in the index first: what it reads grows
 * with the runs in the box, not with the runs sharing its latitudes elsewhere. A wider box, and
 * any box on SQLite, is read from the (startLat, startLng, date, standbyTime) index's latitude
 * band, the rest checked in the index. SQLite plans that band whatever the cells (`EXPLAIN
 * QUERY PLAN` at 10,000 runs, named cells or ranges alike) and, made to take the ranges
 * (`INDEXED BY`), unions them by rowid and reads the table: 2–3 times slower.
 */
export async function selectStartsInBox(
  sequelize: Sequelize,
  box: BoundingBox,
  at: KoreaNow,
): Promise<StartPointRow[]> {
  const ranges = sequelize.getDialect() === 'sqlite' ? null : cellRangesOf(box);
  const byRows = ranges !== null && ranges.length <= MAX_RANGES;
  const hint = byRows ? ` FORCE INDEX (\`${BY_START_CELL}\`)` : '';
  const longitudes = box.lngRanges
    .map(([min, max]) => `\`Group\`.\`startLng\` BETWEEN ${numberSql(min)} AND ${numberSql(max)}`)
    .join(' OR ');
  const sql =
    `SELECT \`groupId\`, \`startLat\`, \`startLng\` FROM \`Groups\` AS \`Group\`${hint} WHERE ` +
    `${notStartedSql(sequelize, at, 'Group')} AND ` +
    `\`Group\`.\`startLat\` BETWEEN ${numberSql(box.minLat)} AND ${numberSql(box.maxLat)} AND ` +
    `(${longitudes})` +
    (byRows ? ` AND ${cellRangesSql(ranges)}` : '');
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
