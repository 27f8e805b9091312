import type { Sequelize } from 'sequelize';
import type { PageQuery } from './groups.queries';
import { orderSql, type ColumnOrder } from './search.queries';

/**
 * The SQL of the group cards (every list's), written by hand: the card's columns and counts,
 * its host by a join, and a page of them read in date order or from a page of ids.
 */

/** The run's columns a card shows (`ListGroup` in `groups.mapper.ts`). */
export const LIST_ATTRIBUTES = [
  'groupId',
  'userId',
  'title',
  'location',
  'distance',
  'date',
  'standbyTime',
  'maxPeople',
  'thumbnailUrl1',
  'thema',
];

/** MariaDB reads a one-region page by this index (see `regionHint` in `groups.queries.ts`). */
export const BY_REGION = 'idx_Groups_region_date_standbyTime';

/**
 * A card's columns and its counts, as `cardAttributes` (`groups.queries.ts`) reads them (only
 * where `countsIf`, else 0).
 */
function cardColumnsSql(sequelize: Sequelize, viewerId: string | null, countsIf?: string): string {
  const ofRun = '`a`.`groupId` = `Group`.`groupId`';
  const counted = (sql: string) =>
    countsIf ? `CASE WHEN ${countsIf} THEN ${sql} ELSE 0 END` : sql;
  const applyState =
    viewerId === null
      ? '0'
      : `EXISTS (SELECT 1 FROM \`Appliers\` AS \`a\` WHERE ${ofRun} AND \`a\`.\`userId\` = ${sequelize.escape(viewerId)})`;
  return (
    `${LIST_ATTRIBUTES.map((column) => `\`Group\`.\`${column}\``).join(', ')},` +
    ` ${counted(`(SELECT COUNT(*) FROM \`Appliers\` AS \`a\` WHERE ${ofRun})`)} AS \`applyPeople\`,` +
    ` ${counted(applyState)} AS \`applyState\``
  );
}

const HOST_COLUMNS =
  '`user`.`nickname` AS `user.nickname`, `user`.`profileUrl` AS `user.profileUrl`';
const HOST_JOIN = ' INNER JOIN `Users` AS `user` ON `Group`.`userId` = `user`.`userId`';

/**
 * The cards of a page whose ids, dates and start times `pageSql` selects (a derived table named
 * `page`, in `order`), joined to the runs and their hosts by primary key, the counts as in
 * {@link cardColumnsSql} (only where `page` meets `countsIf`, else 0), and `page`'s `columns`.
 * Written by hand: one statement and no query building per request beyond the page's SQL.
 */
export function pageCardsSql(
  sequelize: Sequelize,
  viewerId: string | null,
  pageSql: string,
  order: ColumnOrder,
  { columns = [], countsIf }: { columns?: string[]; countsIf?: string } = {},
): string {
  return (
    `SELECT ${cardColumnsSql(sequelize, viewerId, countsIf)},` +
    columns.map((column) => ` \`page\`.\`${column}\`,`).join('') +
    ` ${HOST_COLUMNS}` +
    ` FROM (${pageSql}) AS \`page\`` +
    ' INNER JOIN `Groups` AS `Group` ON `Group`.`groupId` = `page`.`groupId`' +
    HOST_JOIN +
    ` ORDER BY ${orderSql(order, 'page')}`
  );
}

/**
 * A page of cards read in `order` from the runs meeting `conditions` (SQL), as the `findAll` of
 * `selectCards` (`groups.queries.ts`) has Sequelize write it (the same joins, hint and order).
 */
export function datedCardsSql(
  sequelize: Sequelize,
  query: PageQuery,
  order: ColumnOrder,
  conditions: string,
): string {
  const hint =
    query.regions?.length === 1 && sequelize.getDialect() !== 'sqlite'
      ? ` FORCE INDEX (\`${BY_REGION}\`)`
      : '';
  return (
    `SELECT ${cardColumnsSql(sequelize, query.viewerId)}, ${HOST_COLUMNS}` +
    ` FROM \`Groups\` AS \`Group\`${hint}${HOST_JOIN}` +
    (conditions ? ` WHERE ${conditions}` : '') +
    (order.length > 0 ? ` ORDER BY ${orderSql(order, 'Group')}` : '') +
    ` LIMIT ${query.page.limit} OFFSET ${query.page.offset}`
  );
}
