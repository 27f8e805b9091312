import {
  col,
  IndexHints,
  literal,
  Op,
  QueryTypes,
  type FindAttributeOptions,
  type Includeable,
  type Sequelize,
  type WhereOptions,
} from 'sequelize';
import { Applier, Group, User } from '../db/models';
import { whereSql } from '../db/where-sql';
import { BY_REGION, datedCardsSql, LIST_ATTRIBUTES, pageCardsSql } from './cards.queries';
import type { Host, ListGroup } from './groups.mapper';
import type { PageRequest } from './list-query';
import type { KeyProbe } from './search';
import {
  keyedPageSql,
  PROBE_LIMIT,
  probedIdsSql,
  probedPageSql,
  type ColumnOrder,
} from './search.queries';

export type { ColumnOrder };

/**
 * The SQL of the groups domain: hand-written fragments, index hints and the raw rows they
 * return, as typed plain records. The rules and the transactions stay in the services, which
 * pass their `transaction` in.
 */

/** Host fields come with the page, by a join. */
const HOST: Includeable = {
  model: User,
  as: 'user',
  attributes: ['nickname', 'profileUrl'],
  required: true,
};

type Person = { nickname: string; profileUrl: string };

/** A card's row as read: the run's list columns, its host, and the two per-run facts. */
export interface PageRow extends ListGroup {
  user: Person;
  /** MySQL may answer a count as text. */
  applyPeople: number | string;
  applyState: number | string | boolean;
}

/**
 * The card's columns plus, per run in the same statement, its applicant count and whether the
 * viewer applied: correlated subqueries over the `(groupId, userId)` key of `Appliers`, so a page
 * of N runs is one query and N index lookups each, whatever the page size.
 */
function cardAttributes(sequelize: Sequelize, viewerId: string | null): FindAttributeOptions {
  const ofRun = '`a`.`groupId` = `Group`.`groupId`';
  return [
    ...LIST_ATTRIBUTES,
    [literal(`(SELECT COUNT(*) FROM \`Appliers\` AS \`a\` WHERE ${ofRun})`), 'applyPeople'],
    [
      viewerId === null
        ? literal('0')
        : literal(
            `EXISTS (SELECT 1 FROM \`Appliers\` AS \`a\` WHERE ${ofRun} AND \`a\`.\`userId\` = ${sequelize.escape(viewerId)})`,
          ),
      'applyState',
    ],
  ];
}

/**
 * MariaDB reads a one-region search by `ref` on the region alone (every past run of the region
 * first) rather than as a range over (region, date); the hint makes it read from today on.
 * A page costs then the same at 100,000 runs as at 1,000. SQLite ignores index hints.
 */
function regionHint(regions: number[] | null | undefined) {
  if (regions?.length !== 1) return {};
  return {
    indexHints: [{ type: IndexHints.FORCE, values: [BY_REGION] }],
  };
}

export interface PageQuery {
  where: WhereOptions[];
  page: PageRequest;
  viewerId: string | null;
  /** The single region searched, when there is one (see {@link regionHint}). */
  regions?: number[] | null;
  /**
   * The search's combinations (`Groups.searchKey`, see `search.ts`): when given, the runs are
   * those of these keys matching `where`, which names only the date and start columns.
   */
  searchKeys?: number[] | null;
  /**
   * Keys to probe first (`probe.ts`): `where` names every filter, `probe.where` the date and
   * start columns only.
   */
  probe?: KeyProbe | null;
}

const and = (where: WhereOptions[]): WhereOptions => ({ [Op.and]: where });

/** A keyed search's page of cards in one statement ({@link keyedPageSql}). */
function selectKeyedCards(
  sequelize: Sequelize,
  query: PageQuery,
  keys: number[],
  order: ColumnOrder,
) {
  const pageSql = keyedPageSql(sequelize, keys, query.where, order, query.page);
  const sql = pageCardsSql(sequelize, query.viewerId, pageSql, order);
  return sequelize.query<PageRow>(sql, { type: QueryTypes.SELECT, nest: true });
}

/** One page of runs as cards' rows: the host by a join, the counts as subqueries. */
export async function selectCards(
  sequelize: Sequelize,
  query: PageQuery,
  order: ColumnOrder,
  extra: { include?: Includeable[] } = {},
): Promise<PageRow[]> {
  if (query.searchKeys) return selectKeyedCards(sequelize, query, query.searchKeys, order);
  const conditions = extra.include ? null : whereSql(sequelize, query.where, 'Group');
  if (conditions !== null) {
    return sequelize.query<PageRow>(datedCardsSql(sequelize, query, order, conditions), {
      type: QueryTypes.SELECT,
      nest: true,
    });
  }
  const rows = await Group.findAll({
    attributes: cardAttributes(sequelize, query.viewerId),
    where: and(query.where),
    include: [HOST, ...(extra.include ?? [])],
    order,
    limit: query.page.limit,
    offset: query.page.offset,
    subQuery: false,
    raw: true,
    nest: true,
    ...regionHint(query.regions),
  });
  return rows as unknown as PageRow[];
}

/** The probe's ids ({@link probedIdsSql}) in `order`; null when more than {@link PROBE_LIMIT}. */
export async function selectProbedIds(
  sequelize: Sequelize,
  probe: Pick<KeyProbe, 'keys' | 'where'>,
  order: ColumnOrder,
): Promise<string[] | null> {
  const rows = await sequelize.query<{ groupId: string }>(
    probedIdsSql(sequelize, probe.keys, probe.where, order),
    { type: QueryTypes.SELECT },
  );
  return rows.length > PROBE_LIMIT ? null : rows.map((row) => row.groupId);
}

/**
 * A probed page of cards in one statement ({@link probedPageSql}), and how many runs the probe
 * found (more than PROBE_LIMIT means many; 0 when the page has no cards to tell).
 */
export async function selectProbedCards(
  sequelize: Sequelize,
  query: PageQuery & { probe: Pick<KeyProbe, 'keys' | 'where'> },
  order: ColumnOrder,
): Promise<{ rows: PageRow[]; probed: number }> {
  const { probe, page, viewerId } = query;
  const pageSql = probedPageSql(sequelize, probe.keys, probe.where, order, page);
  const rows = await sequelize.query<PageRow & { probed?: number | string }>(
    // A probe that finds many (the page is read again in date order) reads no counts.
    pageCardsSql(sequelize, viewerId, pageSql, order, {
      columns: ['probed'],
      countsIf: `\`page\`.\`probed\` <= ${PROBE_LIMIT}`,
    }),
    { type: QueryTypes.SELECT, nest: true },
  );
  const probed = Number(rows[0]?.probed ?? 0);
  for (const row of rows) delete row.probed;
  return { rows, probed };
}

/** How many runs match all of `where` (and have one of `searchKeys`, when given). */
export async function countRuns(
  where: WhereOptions[],
  searchKeys: number[] | null = null,
): Promise<number> {
  const all = searchKeys ? [{ searchKey: searchKeys }, ...where] : where;
  const sequelize = Group.sequelize!;
  const conditions = whereSql(sequelize, all, 'Group');
  if (conditions === null) return Group.count({ where: and(all) });
  const [row] = await sequelize.query<{ count: number | string }>(
    'SELECT COUNT(*) AS `count` FROM `Groups` AS `Group`' +
      (conditions ? ` WHERE ${conditions}` : ''),
    { type: QueryTypes.SELECT },
  );
  return Number(row.count);
}

/** Which of these runs the user applied to. */
export async function appliedAmong(groupIds: string[], userId: string): Promise<Set<string>> {
  const applied = await Applier.findAll({
    attributes: ['groupId'],
    where: { groupId: groupIds, userId },
    raw: true,
  });
  return new Set(applied.map((a) => a.groupId));
}

/** Runs whose `finishTime` is their meeting time (the SPA's way of setting none). */
export const finishTimeIsMeetingTime = (): WhereOptions<Group> => ({
  finishTime: { [Op.eq]: col('standbyTime') },
});

const HOST_ATTRIBUTES = ['userId', 'nickname', 'profileUrl', 'userLevel', 'mannerPoint'];

/** The run with its host, in one query; null when there is no such run. */
export async function selectGroupWithHost(
  groupId: string,
): Promise<{ group: Group; host: Host } | null> {
  const group = await Group.findByPk(groupId, {
    include: [{ model: User, as: 'user', attributes: HOST_ATTRIBUTES, required: true }],
  });
  return group && { group, host: group.get('user') as User };
}
