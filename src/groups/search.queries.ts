import { IndexHints, Op, type Sequelize, type WhereOptions } from 'sequelize';
import { Group } from '../db/models';
import { selectSql } from '../db/select-sql';
import { whereSql } from '../db/where-sql';
import type { PageRequest } from './list-query';

/**
 * The SQL of the search by `Groups.searchKey` (see `search.ts` and migration 20261203002000):
 * a page's ids from the index ranges of the search's combinations.
 */

/** A column and its direction: the orders of the lists, which the indexes yield. */
export type ColumnOrder = Array<[string, 'ASC' | 'DESC']>;

const BY_SEARCH_KEY = 'idx_Groups_searchKey_date_standbyTime_groupId';
/** The search key's index, named to MariaDB (SQLite ignores index hints). */
const keyIndexHint = (sequelize: Sequelize) =>
  sequelize.getDialect() === 'sqlite'
    ? {}
    : { indexHints: [{ type: IndexHints.FORCE, values: [BY_SEARCH_KEY] }] };

/** The key the branch is built with, replaced by each key (no run has a negative key). */
const KEY_SLOT = -1;
const KEY_SLOT_SQL = `\`searchKey\` = ${KEY_SLOT}`;

/**
 * The SQL of one page of the runs of these search keys matching `where`, in `order`: a derived
 * table's worth of `groupId`, `date` and `standbyTime`, in `order`. Each key's runs are a range of
 * the (searchKey, date, standbyTime, groupId) index in that order, so each branch reads at most
 * the page's end from its range (from the index alone) and the union of the branches holds the
 * page: K keys cost at most K × (offset + limit) index entries, however many runs there are, and
 * a combination without runs costs one index probe.
 *
 * On MariaDB the branches are the UNION's own parenthesized SELECTs, each with its ORDER BY and
 * LIMIT, and the page is the UNION's ORDER BY and LIMIT: no derived table per branch nor around
 * them, which MariaDB's optimizer otherwise sets up and checks one by one. At 100,000 runs a
 * 14-key search's statement took about 0.33 ms to optimize and 0.21 ms to run that way, against
 * 0.46–0.54 ms and 0.33–0.37 ms as derived tables (`ANALYZE FORMAT=JSON`), the same rows in the
 * same order. SQLite takes neither in a branch of a UNION, so there each branch stays a derived
 * table.
 */
export function keyedPageSql(
  sequelize: Sequelize,
  keys: number[],
  where: WhereOptions[],
  order: ColumnOrder,
  page: PageRequest,
): string {
  // One branch is built, then repeated per key.
  const branch = runsSql(
    sequelize,
    ['groupId', 'date', 'standbyTime'],
    [{ searchKey: KEY_SLOT }, ...where],
    {
      order,
      limit: page.offset + page.limit,
      index: 'force',
    },
  );
  const ofKey = (key: number) => branch.replace(KEY_SLOT_SQL, `\`searchKey\` = ${key}`);
  const pageOf = ` ORDER BY ${orderSql(order)} LIMIT ${page.limit} OFFSET ${page.offset}`;
  if (sequelize.getDialect() === 'sqlite') {
    const branches = keys.map((key, i) => `SELECT * FROM (${ofKey(key)}) AS \`k${i}\``);
    return `SELECT \`groupId\`, \`date\`, \`standbyTime\` FROM (${branches.join(' UNION ALL ')}) AS \`runs\`${pageOf}`;
  }
  return `${keys.map((key) => `(${ofKey(key)})`).join(' UNION ALL ')}${pageOf}`;
}

/** `order` as an ORDER BY list, its columns qualified by `table` when given. */
export const orderSql = (order: ColumnOrder, table?: string): string =>
  order
    .map(([column, direction]) => `${table ? `\`${table}\`.` : ''}\`${column}\` ${direction}`)
    .join(', ');

/** The most runs a probe reads for its page; one more means "many": it reads one more to know. */
export const PROBE_LIMIT = 100;

/**
 * The inner read of a probe: at most PROBE_LIMIT + 1 runs of the keys, in no particular order.
 * By the search key's index on both databases: SQLite would read a one-day search of many keys
 * from the date index (every run of the day), so it is named there with `INDEXED BY`, which
 * Sequelize does not write.
 */
function probeSql(sequelize: Sequelize, keys: number[], where: WhereOptions[]): string {
  return runsSql(sequelize, ['groupId', 'date', 'standbyTime'], [{ searchKey: keys }, ...where], {
    limit: PROBE_LIMIT + 1,
    index: 'named',
  });
}

/**
 * `SELECT columns FROM Groups AS Group WHERE where [ORDER BY order] [LIMIT limit]` through the
 * search key's index: forced on MariaDB (`force`), also named to SQLite with `INDEXED BY`
 * (`named`), which Sequelize does not write. Written by hand when `where` is plain comparisons
 * (`whereSql`), else by Sequelize's builder (the same statement, built at more cost).
 */
function runsSql(
  sequelize: Sequelize,
  columns: string[],
  where: WhereOptions[],
  { order = [], limit, index }: { order?: ColumnOrder; limit: number; index: 'force' | 'named' },
): string {
  const sqlite = sequelize.getDialect() === 'sqlite';
  const from = 'FROM `Groups` AS `Group`';
  const hint = sqlite
    ? index === 'named'
      ? ` INDEXED BY \`${BY_SEARCH_KEY}\``
      : ''
    : ` FORCE INDEX (\`${BY_SEARCH_KEY}\`)`;
  const conditions = whereSql(sequelize, where, 'Group');
  if (conditions !== null) {
    return (
      `SELECT ${columns.map((column) => `\`${column}\``).join(', ')} ${from}${hint}` +
      (conditions ? ` WHERE ${conditions}` : '') +
      (order.length > 0 ? ` ORDER BY ${orderSql(order, 'Group')}` : '') +
      ` LIMIT ${limit}`
    );
  }
  const sql = selectSql(sequelize, Group, {
    attributes: columns,
    where: { [Op.and]: where },
    // A copy: the builder rewrites the directions of the order it is given.
    ...(order.length > 0 && { order: order.map(([column, direction]) => [column, direction]) }),
    limit,
    ...keyIndexHint(sequelize),
  });
  return sqlite && index === 'named' ? sql.replace(from, `${from}${hint}`) : sql;
}

/**
 * The SQL of a probe (see `search.ts` KeyProbe): the ids of at most {@link PROBE_LIMIT} + 1 runs
 * of these keys matching `where`, in `order`. The inner read is one range of the
 * (searchKey, date, standbyTime, groupId) index per key, from the index alone and stopped after
 * PROBE_LIMIT + 1 entries in all, in no particular order; only those few are then sorted. So a
 * probe reads at most PROBE_LIMIT + 1 index entries and one probe per key without runs, however
 * many runs there are, and when it finds at most PROBE_LIMIT they are every match, in order.
 */
export function probedIdsSql(
  sequelize: Sequelize,
  keys: number[],
  where: WhereOptions[],
  order: ColumnOrder,
): string {
  return `SELECT \`groupId\` FROM (${probeSql(sequelize, keys, where)}) AS \`probe\` ORDER BY ${orderSql(order)}`;
}

/**
 * The probe's page (as {@link probedIdsSql}, cut to `page`), each row with how many runs the
 * probe found (`probed`, counted before the cut): a derived table for the page's cards.
 */
export function probedPageSql(
  sequelize: Sequelize,
  keys: number[],
  where: WhereOptions[],
  order: ColumnOrder,
  page: PageRequest,
): string {
  return (
    'SELECT `groupId`, `date`, `standbyTime`, COUNT(*) OVER () AS `probed`' +
    ` FROM (${probeSql(sequelize, keys, where)}) AS \`probe\`` +
    ` ORDER BY ${orderSql(order)} LIMIT ${page.limit} OFFSET ${page.offset}`
  );
}
