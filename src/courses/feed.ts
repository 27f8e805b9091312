import type { AppContext } from '../lib/context';
import { badRequest, notFound } from '../lib/errors';
import { jsonArray, type JsonText } from '../lib/json-text';
import { viewerFlags } from '../lib/viewer-flags';
import { LIKE_LOCATION_LABELS } from '../lib/labels';
import { sharedCache } from '../lib/shared-cache';
import { User } from '../db/models';
import { courseFeedCacheOf } from './course-caches';
import { feedCardJson, toFeedCard, toFeedItem, type FeedItem } from './courses.mapper';
import {
  bookmarkedAmong,
  findFeedLists,
  findFeedRows,
  findRankingIds,
  type FeedRow,
  type FeedScope,
  type FeedSlice,
} from './courses.queries';
import type { FeedSort } from './courses.validators';
import { COURSE } from './messages';

type Deps = Pick<AppContext, 'config' | 'sequelize'>;

export interface Page {
  page: number;
  size: number;
}

/** `GET /course/all`, its defaults applied. */
export interface AllFeedQuery extends Page {
  /** 0 = every region. */
  region: number;
  sort: FeedSort;
}

/** `GET /course/mypage` and `/course/bookmark`: whose list (else the viewer's), and a page. */
export interface ProfileFeedQuery {
  userId?: string;
  /** Everything unless a page was asked for. */
  page?: Page;
}

const MAIN_SIZE = 6;
const RANKING_SIZE = 3;
/** How long a ranking is reused before it is computed again. */
const RANKING_TTL_SECONDS = 60;

async function feedItems(
  ctx: Deps,
  viewerId: string | null,
  scope: FeedScope,
  slice?: FeedSlice,
): Promise<FeedItem[]> {
  const rows = await findFeedRows(ctx.sequelize, viewerId, scope, slice);
  return rows.map((row) => toFeedItem(ctx.config, row));
}

const pageOf = (page?: Page): FeedSlice =>
  page ? { limit: page.size, offset: (page.page - 1) * page.size } : {};

/** The items whose ids are listed, in the order of the list. */
function inOrder<T extends { courseId: string }>(items: T[], ids: string[]): T[] {
  const byId = new Map(items.map((item) => [item.courseId, item]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** A public feed's cards, or their JSON when they come from the feed cache. */
export type FeedList = FeedItem[] | JsonText;

/** One list of cards on a page: which courses, in the slice's sort or in the ids' `order`. */
interface FeedPart {
  scope: FeedScope;
  slice?: FeedSlice;
  order?: string[];
}

/**
 * The public lists of cards of one page, through the feed cache when it is on: the cache keeps
 * their JSON as a guest sees it, all lists of the page under one key (one generation read),
 * and a signed-in viewer's bookmarks among them are read per request in one statement.
 */
async function publicFeeds(
  ctx: Pick<AppContext, 'config' | 'now' | 'sequelize'>,
  viewerId: string | null,
  parts: FeedPart[],
): Promise<FeedList[]> {
  const cache = courseFeedCacheOf(ctx.sequelize);
  if (!cache) {
    const lists = await findFeedLists(ctx.sequelize, viewerId, parts);
    return lists.map((rows, i) => {
      const items = rows.map((row) => toFeedItem(ctx.config, row));
      const { order } = parts[i];
      return order ? inOrder(items, order) : items;
    });
  }
  // A miss reads the viewer's flags with the cards (as without the cache); a hit reads them alone.
  let loaded: FeedRow[] | null = null;
  const lists = await cache.get(JSON.stringify(parts), ctx.now(), async () => {
    const rows = await findFeedLists(ctx.sequelize, viewerId, parts);
    loaded = rows.flat();
    return rows.map((list, i) => {
      const made = list.map((row) => toFeedCard(ctx.config, row));
      const { order } = parts[i];
      const cards = order ? inOrder(made, order) : made;
      // Without bookmarks among them the cards read the same for everyone: written once.
      return { cards, unmarked: jsonArray(cards, (card) => feedCardJson(card, false)) };
    });
  });
  const marked = await viewerFlags(
    viewerId,
    lists.flatMap(({ cards }) => cards.map((card) => card.courseId)),
    loaded,
    (row: FeedRow) => (Number(row.bookmark) ? row.courseId : null),
    (ids, userId) => bookmarkedAmong(ctx.sequelize, ids, userId),
  );
  return lists.map(({ cards, unmarked }) =>
    marked === null || marked.size === 0
      ? unmarked
      : jsonArray(cards, (card) => feedCardJson(card, marked.has(card.courseId))),
  );
}

/**
 * The ids of the top courses of each region (and of all), reused for RANKING_TTL_SECONDS and
 * computed once per region and expiry however many ask at once (src/lib/shared-cache.ts):
 * scoring reads every course of the scope, which the feed should not pay on every request.
 * Creating, editing or deleting a course is seen by the next read ({@link forgetRanking});
 * ratings, comments and views move a score within the minute. A key-store failure only costs
 * the cache.
 */
const rankings = (ctx: Pick<AppContext, 'logger' | 'metrics' | 'store'>) =>
  sharedCache<string[]>(ctx, 'course:ranking', RANKING_TTL_SECONDS);

const rankingIds = (ctx: Pick<AppContext, 'logger' | 'metrics' | 'store'>, region: number | null) =>
  rankings(ctx).get(String(region ?? 'all'), () => findRankingIds(region, RANKING_SIZE));

/** A course was created, edited or deleted: every process computes the rankings again. */
export async function forgetRanking(
  ctx: Pick<AppContext, 'logger' | 'metrics' | 'store'>,
): Promise<void> {
  await rankings(ctx).invalidate();
}

/** The viewer's preferred region (`likeLocation` '1'..'9'), or null. */
async function preferredRegion(viewerId: string | null): Promise<string | null> {
  if (!viewerId) return null;
  const user = await User.findByPk(viewerId, { attributes: ['likeLocation'] });
  const code = user?.likeLocation ?? null;
  return code !== null && LIKE_LOCATION_LABELS[code] ? code : null;
}

/**
 * `GET /course/all`: the page of the feed, the top 3 of the viewer's preferred region (of all
 * regions for guests and users without one, the original showed signed-in users without one
 * nothing), and that region's label as `preferData` ('' when none; the SPA then shows #전국).
 */
export async function listCourses(
  ctx: Pick<AppContext, 'config' | 'logger' | 'metrics' | 'now' | 'sequelize' | 'store'>,
  viewerId: string | null,
  query: AllFeedQuery,
) {
  const prefer = await preferredRegion(viewerId);
  const ids = await rankingIds(ctx, prefer === null ? null : Number(prefer));
  const page: FeedPart = {
    scope: query.region === 0 ? {} : { region: query.region },
    slice: { sort: query.sort, ...pageOf(query) },
  };
  const [feed, ranking = []] = await publicFeeds(
    ctx,
    viewerId,
    ids.length === 0 ? [page] : [page, { scope: { courseIds: ids }, order: ids }],
  );
  return {
    feed,
    rankingFeed: ranking,
    preferData: prefer === null ? '' : LIKE_LOCATION_LABELS[prefer],
  };
}

/** `GET /course/main`: the six newest courses. */
export async function listNewestCourses(
  ctx: Pick<AppContext, 'config' | 'now' | 'sequelize'>,
  viewerId: string | null,
): Promise<FeedList> {
  const [feed] = await publicFeeds(ctx, viewerId, [
    { scope: {}, slice: { sort: 'new', limit: MAIN_SIZE } },
  ]);
  return feed;
}

/** The profile owner of a `mypage`/`bookmark` list: `?userId`, else the viewer. */
function ownerOf(queryUserId: string | undefined, viewerId: string | null): string {
  const owner = queryUserId || viewerId;
  if (!owner) throw badRequest(COURSE.listFailed);
  return owner;
}

/** `GET /course/mypage?userId=`: a user's courses, newest first (all, or one page if asked). */
export async function listUserCourses(ctx: Deps, viewerId: string | null, query: ProfileFeedQuery) {
  const ownerId = ownerOf(query.userId, viewerId);
  if ((await User.count({ where: { userId: ownerId } })) === 0) {
    throw notFound(COURSE.listFailed);
  }
  return feedItems(ctx, viewerId, { authorId: ownerId }, { sort: 'new', ...pageOf(query.page) });
}

/**
 * `GET /course/bookmark?userId=`: a user's bookmarked courses, newest first. Bookmarks are
 * private: anyone but their owner (guests included) gets an empty list, not an error, because
 * the SPA loads this list on every profile page and would show an alert otherwise.
 */
export async function listBookmarkedCourses(
  ctx: Deps,
  viewerId: string | null,
  query: ProfileFeedQuery,
) {
  const ownerId = ownerOf(query.userId, viewerId);
  if (ownerId !== viewerId) return [];
  return feedItems(
    ctx,
    viewerId,
    { bookmarkedBy: ownerId },
    { sort: 'new', ...pageOf(query.page) },
  );
}
