import type { Sequelize } from 'sequelize';
import { PROBE_LIMIT } from './search.queries';
import {
  selectProbedCards,
  selectProbedIds,
  type ColumnOrder,
  type PageQuery,
  type PageRow,
} from './groups.queries';

/**
 * The probe of a search of many combinations (`search.ts` KeyProbe): its runs read by key, at
 * most `PROBE_LIMIT` + 1 index entries (`search.queries.ts`). When it finds at most PROBE_LIMIT
 * runs they are every match, in the list's order: the page is cut from them and its cards read
 * by primary key in the same statement, and their number is the count a list needs. When it
 * finds more, the search matches many runs and reads them in date order by its conditions, which
 * stops at the page (the probe's page was joined to its runs for nothing, its counts not read).
 *
 * A search found broad is remembered a while, so that its next requests go straight to the date
 * order and pay no probe (1–6 ms at 100,000 runs, bench/README.md). Only the path depends
 * on it, never the result, so it may be stale: a search still known broad after its runs were
 * deleted reads them in date order until it is forgotten.
 */

/** How long a search whose probe found many runs reads in date order without probing. */
export const BROAD_MEMORY_MS = 60_000;
/** The most searches remembered broad at once (the oldest forgotten first). */
export const BROAD_MEMORY_SIZE = 1_000;

/** Until when (`performance.now()`) each search, by its probe's signature, is known broad. */
const broadUntil = new Map<string, number>();

/** Forgets every search found broad (tests, and a process that wants a fresh start). */
export const forgetBroadSearches = (): void => broadUntil.clear();

function knownBroad(signature: string): boolean {
  const until = broadUntil.get(signature);
  if (until === undefined) return false;
  if (until > performance.now()) return true;
  broadUntil.delete(signature);
  return false;
}

function rememberBroad(signature: string): void {
  broadUntil.delete(signature);
  if (broadUntil.size >= BROAD_MEMORY_SIZE) {
    const oldest = broadUntil.keys().next();
    if (!oldest.done) broadUntil.delete(oldest.value);
  }
  broadUntil.set(signature, performance.now() + BROAD_MEMORY_MS);
}

/** A page read through a probe, and how many runs the probe matched in all when known. */
export interface ProbedPage {
  rows: PageRow[];
  total: number | null;
}

/**
 * The page of `query` in `order` through its probe, or null when it has none, its search is
 * known broad, or the probe finds it broad now. One statement: the probe, its page and the
 * page's cards. The total is known but for an empty page after the first, where it is at most
 * the offset. A page past PROBE_LIMIT is empty unless the search is broad: only the ids are
 * probed then, and their number is the total.
 */
export async function probedPage(
  sequelize: Sequelize,
  query: PageQuery,
  order: ColumnOrder,
): Promise<ProbedPage | null> {
  const { probe, page } = query;
  if (!probe || knownBroad(probe.signature)) return null;
  if (page.offset > PROBE_LIMIT) {
    const ids = await selectProbedIds(sequelize, probe, order);
    return ids ? { rows: [], total: ids.length } : broad(probe.signature);
  }
  const { rows, probed } = await selectProbedCards(sequelize, { ...query, probe }, order);
  if (probed > PROBE_LIMIT) return broad(probe.signature);
  return { rows, total: rows.length > 0 || page.offset === 0 ? probed : null };
}

/** Remembers the search as broad: its page is read in date order. */
function broad(signature: string): null {
  rememberBroad(signature);
  return null;
}
