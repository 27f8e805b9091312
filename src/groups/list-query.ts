import { THEMES } from '../lib/codes';
import { badRequest, notFound } from '../lib/errors';
import { isCalendarDate } from '../lib/time';
import { GROUP } from './messages';

/**
 * The query strings of the group lists, exactly as the SPA builds them (contract §2.1):
 *
 *   /group/all?date=2022-06-01/2022-06-30&region=1&time=1/3/&distance=2/3/&finish=0&thema=도시/공원/&page=1&size=6
 *
 * Lists are `/`-separated with a trailing slash; an empty value means "no filter"; `0` (and
 * `전체` for themes) means "all". A start date without an end arrives as `<start>/1970-01-01`
 * (a client bug), which reads as an open-ended range. Anything else is refused with 400.
 * Parsed once, at the edge, into a {@link ListQuery}.
 */
export interface SearchFilters {
  dateFrom: string | null;
  dateTo: string | null;
  regions: number[] | null;
  timeSlots: number[] | null;
  distanceBands: number[] | null;
  themes: string[] | null;
  /** `finish=1`: runs that have started are listed too. */
  includeStarted: boolean;
}

export interface PageRequest {
  limit: number;
  offset: number;
}

/** What `GET /group/:category` asks for: each list reads only the parameters it uses. */
export type ListQuery =
  | { category: 'all'; filters: SearchFilters; page: PageRequest }
  | { category: 'main' }
  | { category: 'prefer'; includeStarted: boolean; page: PageRequest }
  | ProfileListQuery;

/** A user's own lists (`mypage`: runs they host, `complete`: runs they took part in). */
export interface ProfileListQuery {
  category: 'mypage' | 'complete';
  ownerId: string;
  page: PageRequest;
}

export type ListCategory = ListQuery['category'];

const LIST_CATEGORIES: readonly string[] = [
  'all',
  'main',
  'prefer',
  'mypage',
  'complete',
] satisfies ListCategory[];

/** The largest page a client may ask for (the SPA asks for 6, or 100 when searching). */
export const MAX_PAGE_SIZE = 100;

const ALL_THEMES = '전체';

type Query = Record<string, unknown>;

const refuse = () => badRequest(GROUP.badSearch);

/** A query value as one string ('' when absent); repeated keys or objects are refused. */
function text(query: Query, name: string): string {
  const value = query[name];
  if (value === undefined) return '';
  if (typeof value !== 'string') throw refuse();
  return value.trim();
}

const parts = (value: string) =>
  value
    .split('/')
    .map((p) => p.trim())
    .filter((p) => p !== '');

/** Codes `0..max`, where 0 means "every code": null (no filter) then. */
function codes(query: Query, name: string, max: number): number[] | null {
  const values = parts(text(query, name));
  if (values.length === 0) return null;
  const numbers = values.map((v) => {
    if (!/^\d{1,2}$/.test(v) || Number(v) > max) throw refuse();
    return Number(v);
  });
  return numbers.includes(0) ? null : [...new Set(numbers)];
}

function dateRange(query: Query): Pick<SearchFilters, 'dateFrom' | 'dateTo'> {
  const values = parts(text(query, 'date'));
  if (values.length === 0) return { dateFrom: null, dateTo: null };
  if (values.length > 2 || !values.every(isCalendarDate)) throw refuse();
  const [from, to] = values;
  return { dateFrom: from, dateTo: to !== undefined && to >= from ? to : null };
}

function themes(query: Query): string[] | null {
  const values = parts(text(query, 'thema'));
  if (values.length === 0 || values.includes(ALL_THEMES)) return null;
  if (!values.every((v) => (THEMES as readonly string[]).includes(v))) throw refuse();
  return [...new Set(values)];
}

function includeStarted(query: Query): boolean {
  const values = parts(text(query, 'finish'));
  if (values.length > 1 || (values.length === 1 && !['0', '1'].includes(values[0]))) {
    throw refuse();
  }
  return values[0] === '1';
}

function parseSearch(query: Query): SearchFilters {
  return {
    ...dateRange(query),
    regions: codes(query, 'region', 9),
    timeSlots: codes(query, 'time', 6),
    distanceBands: codes(query, 'distance', 4),
    themes: themes(query),
    includeStarted: includeStarted(query),
  };
}

function positive(query: Query, name: string, fallback: number, max: number): number {
  const value = text(query, name);
  if (value === '') return fallback;
  if (!/^\d{1,6}$/.test(value) || Number(value) < 1 || Number(value) > max) throw refuse();
  return Number(value);
}

/** `page` (1-based) and `size`; without them, the first {@link MAX_PAGE_SIZE} runs. */
export function parsePage(query: Query): PageRequest {
  const size = positive(query, 'size', MAX_PAGE_SIZE, MAX_PAGE_SIZE);
  const page = positive(query, 'page', 1, 100_000);
  return { limit: size, offset: (page - 1) * size };
}

/** The profile owner named by `?userId=` (mypage, complete); whether they exist is the list's. */
function ownerId(query: Query): string {
  const userId = query.userId;
  if (typeof userId !== 'string' || userId.trim() === '') throw badRequest(GROUP.badUser);
  return userId.trim();
}

/** The list asked for and its parameters: 404 for an unknown list, 400 for a bad parameter. */
export function parseListQuery(category: string, query: Query): ListQuery {
  if (!LIST_CATEGORIES.includes(category)) throw notFound(GROUP.badCategory);
  switch (category as ListCategory) {
    case 'all':
      return { category: 'all', filters: parseSearch(query), page: parsePage(query) };
    case 'main':
      return { category: 'main' };
    case 'prefer':
      return {
        category: 'prefer',
        includeStarted: includeStarted(query),
        page: parsePage(query),
      };
    case 'mypage':
    case 'complete':
      return {
        category: category as 'mypage' | 'complete',
        ownerId: ownerId(query),
        page: parsePage(query),
      };
  }
}
