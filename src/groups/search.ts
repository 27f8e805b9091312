import { Op, type WhereOptions } from 'sequelize';
import { THEMES } from '../lib/codes';
import type { SearchFilters } from './list-query';

/**
 * Distance bands of the filter and of users' preferences, in km: 1 under 5, 2 from 5 to under
 * 10, 3 from 10 to under 15, 4 from 15. Half-open, so a 5.0 km run is in band 2 only (the
 * original's BETWEEN put it in both, and missed 9–10 km for preferences).
 */
export function distanceBandWhere(band: number): WhereOptions {
  const from = (band - 1) * 5;
  return band >= 4
    ? { distance: { [Op.gte]: from } }
    : { distance: { [Op.gte]: from, [Op.lt]: from + 5 } };
}

/** The filters on the run itself: what `Groups.searchKey` stands for. */
export type KeyFilters = Pick<SearchFilters, 'regions' | 'themes' | 'timeSlots' | 'distanceBands'>;

/** The date range of a search as conditions on `Groups` (the time window is the caller's). */
function dateWhere(filters: Pick<SearchFilters, 'dateFrom' | 'dateTo'>): WhereOptions[] {
  const where: WhereOptions[] = [];
  if (filters.dateFrom) where.push({ date: { [Op.gte]: filters.dateFrom } });
  if (filters.dateTo) where.push({ date: { [Op.lte]: filters.dateTo } });
  return where;
}

/** The filters as conditions on `Groups` (the time window is added by the caller). */
export function searchWhere(filters: Omit<SearchFilters, 'includeStarted'>): WhereOptions[] {
  const where = dateWhere(filters);
  if (filters.regions) where.push({ region: filters.regions });
  if (filters.timeSlots) where.push({ timecode: filters.timeSlots });
  if (filters.themes) where.push({ thema: filters.themes });
  if (filters.distanceBands) {
    where.push({ [Op.or]: filters.distanceBands.map(distanceBandWhere) });
  }
  return where;
}

/**
 * The parts of `Groups.searchKey` (migration 20261203002000), each with every value a stored run
 * can have: region 0..9 and 10 for any other, theme 1..6 (THEMES' order) and 0 for any other,
 * time slot 1..6 and 0 for any other, distance band 1..4 and 0 for a negative distance.
 */
const KEY_PARTS = { region: 11, theme: 7, timeSlot: 7, band: 5 };
const every = (count: number) => Array.from({ length: count }, (_, i) => i);

/**
 * The most combinations a search reads one by one: a theme and a time slot in every region (55),
 * one region with a theme (35), and anything narrower. Each is read from the
 * (searchKey, date, standbyTime, groupId) index up to the end of the page, so a search costs at
 * most this many index ranges of a page each (from the index alone), at any number of runs. A
 * broader search (one filter, or one region with two themes: 70) often matches a large share of
 * the runs and reads them in date order instead, stopping at the page: at 100,000 runs a size-100
 * page of Seoul with two themes took 5 ms that way and 34 ms by 70 keys (bench/README.md). When
 * it matches few, the probe ({@link KeyProbe}) finds them without the walk.
 */
export const MAX_SEARCH_KEYS = 64;

/**
 * The most combinations a search probes (see {@link KeyProbe}): two regions with a theme (70) or a
 * distance band (98), one region with two themes (70) or six (210), and the like. A single theme,
 * time slot or distance band in every region (385 and more) is not probed, nor one region alone
 * (245), which the region index reads exactly: every run it reads matches.
 */
export const MAX_PROBED_KEYS = 245;

/**
 * The `Groups.searchKey` values of the runs these filters match (a filter left out matches
 * every value of its part), or null when they are more than `max` ({@link MAX_SEARCH_KEYS}).
 */
export function searchKeys(filters: KeyFilters, max = MAX_SEARCH_KEYS): number[] | null {
  const regions = filters.regions ?? every(KEY_PARTS.region);
  const themes =
    filters.themes?.map((t) => (THEMES as readonly string[]).indexOf(t) + 1) ??
    every(KEY_PARTS.theme);
  const timeSlots = filters.timeSlots ?? every(KEY_PARTS.timeSlot);
  const bands = filters.distanceBands ?? every(KEY_PARTS.band);
  if (regions.length * themes.length * timeSlots.length * bands.length > max) {
    return null;
  }
  return regions.flatMap((region) =>
    themes.flatMap((theme) =>
      timeSlots.flatMap((slot) =>
        bands.map(
          (band) =>
            ((region * KEY_PARTS.theme + theme) * KEY_PARTS.timeSlot + slot) * KEY_PARTS.band +
            band,
        ),
      ),
    ),
  );
}

/**
 * A search of more than {@link MAX_SEARCH_KEYS} combinations (up to {@link MAX_PROBED_KEYS}) may
 * match few runs (two regions and a theme) or many (one region and two themes): its runs are
 * first probed by these keys, a bounded read of the (searchKey, date, standbyTime, groupId)
 * index, and read in date order by its conditions only when the probe finds many (`probe.ts`).
 */
export interface KeyProbe {
  keys: number[];
  /** The date range as conditions on `Groups` (the keys stand for the other filters). */
  where: WhereOptions[];
  /** Names the keys and the date range: what a probe's outcome is remembered by. */
  signature: string;
}

/** How a search reads its runs: by its combinations' keys when few, else by its conditions. */
export interface SearchAccess {
  where: WhereOptions[];
  searchKeys: number[] | null;
  /** The single region searched, for the region index (when not read by keys). */
  regions: number[] | null;
  /** The keys to probe first, when not read by keys and not too many. */
  probe: KeyProbe | null;
}

export function searchAccess(filters: Omit<SearchFilters, 'includeStarted'>): SearchAccess {
  const keys = searchKeys(filters);
  if (keys) return { where: dateWhere(filters), searchKeys: keys, regions: null, probe: null };
  // One region alone is read exactly by the region index (every run read matches): no probe.
  const exact =
    filters.regions?.length === 1 &&
    !filters.themes &&
    !filters.timeSlots &&
    !filters.distanceBands;
  const probed = exact ? null : searchKeys(filters, MAX_PROBED_KEYS);
  return {
    where: searchWhere(filters),
    searchKeys: null,
    regions: filters.regions,
    probe: probed && {
      keys: probed,
      where: dateWhere(filters),
      signature: `${probed.join(',')}|${filters.dateFrom ?? ''}|${filters.dateTo ?? ''}`,
    },
  };
}
