import type { Includeable, WhereOptions } from 'sequelize';
import type { AppContext } from '../lib/context';
import { jsonArray, JsonText } from '../lib/json-text';
import { viewerFlags } from '../lib/viewer-flags';
import {
  cardJson,
  toCardTemplate,
  toListItem,
  type CardTemplate,
  type ListItem,
  type ListRow,
} from './groups.mapper';
import { appliedReader, type AppliedAmong } from './applied-marks';
import {
  countRuns,
  selectCards,
  type ColumnOrder,
  type PageQuery,
  type PageRow,
} from './groups.queries';
import { groupListCacheOf } from './list-cache';
import { probedPage } from './probe';
import { notStartedWhere, startedWhere } from './schedule';

export type { PageQuery, PageRow };

/**
 * Reading one page of group cards: the orders the (date, standbyTime) index yields, the two
 * streams of the nearest-first lists, and the list cache in front of the public lists. The
 * SQL is `groups.queries.ts`; which list asks for which page is `lists.service.ts`.
 */

/**
 * Orders. The groupId tie-break keeps pages stable, and each order is what the (date,
 * standbyTime) index yields read forwards or backwards (InnoDB appends the primary key to it),
 * so a page is read from the index without sorting every matching run.
 */
const SOONEST_FIRST: ColumnOrder = [
  ['date', 'ASC'],
  ['standbyTime', 'ASC'],
  ['groupId', 'ASC'],
];
export const MOST_RECENT_FIRST: ColumnOrder = [
  ['date', 'DESC'],
  ['standbyTime', 'DESC'],
  ['groupId', 'DESC'],
];

/** A page of runs and, when known without a statement more, how many runs the query matches. */
interface ReadPage {
  rows: PageRow[];
  total: number | null;
}

/** One page of runs: through the query's probe when it has one that finds few, else by SQL order. */
async function readPage(
  ctx: Pick<AppContext, 'sequelize'>,
  query: PageQuery,
  order: ColumnOrder,
  extra: { include?: Includeable[] } = {},
): Promise<ReadPage> {
  const probed = extra.include ? null : await probedPage(ctx.sequelize, query, order);
  return probed ?? { rows: await selectCards(ctx.sequelize, query, order, extra), total: null };
}

/** One page of runs as cards' rows (see {@link selectCards} and `probe.ts`). */
export const findPage = async (
  ctx: Pick<AppContext, 'sequelize'>,
  query: PageQuery,
  order: ColumnOrder,
  extra: { include?: Includeable[] } = {},
): Promise<PageRow[]> => (await readPage(ctx, query, order, extra)).rows;

/** The query narrowed by one more condition (on the date and start columns), probe included. */
const within = (query: PageQuery, condition: WhereOptions): PageQuery => ({
  ...query,
  where: [...query.where, condition],
  probe: query.probe && { ...query.probe, where: [...query.probe.where, condition] },
});

/** How many runs the query matches, by its keys when it has some. */
const countOf = (query: PageQuery): Promise<number> =>
  query.probe
    ? countRuns(query.probe.where, query.probe.keys)
    : countRuns(query.where, query.searchKeys);

/**
 * Lists mixing runs to come and past runs (`finish=1`, a host's runs) put the nearest to now
 * first: runs to come soonest first, then past runs most recent first. Read as two index-ordered
 * streams: the page's part of the runs to come, then (if the page is not full) the past runs
 * after those. Only a page entirely past the runs to come needs to count them to know where
 * in the past runs it starts (a probe that put cards on its page has counted them). At most
 * three queries.
 */
export async function nearestFirstPage(
  ctx: Pick<AppContext, 'sequelize'>,
  query: PageQuery,
  now: Date,
): Promise<PageRow[]> {
  const { page } = query;
  const toCome = within(query, notStartedWhere(now));
  const upcoming = await readPage(ctx, toCome, SOONEST_FIRST);
  if (upcoming.rows.length === page.limit) return upcoming.rows;
  const skipped =
    upcoming.rows.length > 0 || page.offset === 0 ? 0 : (upcoming.total ?? (await countOf(toCome)));
  const past = await findPage(
    ctx,
    {
      ...within(query, startedWhere(now)),
      page: {
        limit: page.limit - upcoming.rows.length,
        offset: upcoming.rows.length > 0 ? 0 : page.offset - skipped,
      },
    },
    MOST_RECENT_FIRST,
  );
  return [...upcoming.rows, ...past];
}

/** The runs to come, soonest first, or with `includeStarted` the nearest to now first. */
export function runsPage(
  ctx: Pick<AppContext, 'now' | 'sequelize'>,
  query: PageQuery,
  includeStarted: boolean,
  now = ctx.now(),
) {
  return includeStarted
    ? nearestFirstPage(ctx, query, now)
    : findPage(ctx, within(query, notStartedWhere(now)), SOONEST_FIRST);
}

/** A page row as the card mapper reads it. */
export const toListRow = (row: PageRow): ListRow => ({
  group: row,
  host: row.user,
  applyPeople: Number(row.applyPeople),
  applyState: Boolean(Number(row.applyState)),
});

/** The rows as list cards. */
export const toItems = (
  ctx: Pick<AppContext, 'config' | 'now'>,
  rows: PageRow[],
  now = ctx.now(),
): ListItem[] => rows.map((row) => toListItem(ctx.config, toListRow(row), now));

/**
 * A page of a public list (`all`, `main`) as the JSON of its cards, through the list cache when
 * it is on. The cache keeps the guest's cards already written as JSON (display strings made
 * once); per request only the countdown is computed and, for a signed-in viewer, their own
 * applications to the page's runs (kept apart: `applied-marks.ts`) written into the cards.
 * `key` must name everything the page depends on besides the clock.
 */
export async function publicPage(
  ctx: Pick<AppContext, 'config' | 'now' | 'sequelize'>,
  key: string,
  query: PageQuery,
  includeStarted: boolean,
): Promise<JsonText> {
  const now = ctx.now();
  const cache = groupListCacheOf(ctx.sequelize);
  if (!cache) {
    const rows = await runsPage(ctx, query, includeStarted, now);
    return new JsonText(JSON.stringify(toItems(ctx, rows, now)));
  }
  // A miss reads the viewer's applications with the cards (as without the cache); a hit takes
  // them from the viewer's kept marks, whose generation is read in this tick with the page's.
  const applied = appliedReader(ctx, query.viewerId);
  let loaded: PageRow[] | null = null;
  const page = await cache.get(key, now, async () => {
    loaded = await runsPage(ctx, query, includeStarted, now);
    return cachedCards(loaded.map((row) => toCardTemplate(ctx.config, toListRow(row), now)));
  });
  return pageJson(page, query.viewerId, loaded, now, applied);
}

/** A page of cards as a cache keeps it: the cards, and the guest's JSON of the current second. */
export interface CachedCards {
  cards: CardTemplate[];
  guestBodies: Map<boolean, JsonText>;
}

/** Cards ready to be kept (no guest body written yet). */
export const cachedCards = (cards: CardTemplate[]): CachedCards => ({
  cards,
  guestBodies: new Map(),
});

/**
 * The JSON of a kept page at `now` for `viewerId`: their applications to its runs from the rows
 * just `loaded` with them (a miss), else from `applied` (a hit: the viewer's kept marks, see
 * `applied-marks.ts`, or one statement).
 */
export async function pageJson(
  page: CachedCards,
  viewerId: string | null,
  loaded: PageRow[] | null,
  now: Date,
  applied: AppliedAmong,
): Promise<JsonText> {
  const { cards, guestBodies } = page;
  const mine = await viewerFlags(
    viewerId,
    cards.map((card) => card.groupId),
    loaded,
    (row: PageRow) => (toListRow(row).applyState ? row.groupId : null),
    applied,
  );
  const write = () =>
    jsonArray(cards, (card) => cardJson(card, now, mine?.has(card.groupId) ?? false));
  if (mine !== null && mine.size > 0) return write();
  // Runs start on whole seconds, so within the entry's second every countdown reads the same
  // at every millisecond but the first: the page as it reads without applications is written
  // once for each.
  const firstMs = now.getTime() % 1000 === 0;
  let body = guestBodies.get(firstMs);
  if (!body) {
    body = write();
    guestBodies.set(firstMs, body);
  }
  return body;
}
