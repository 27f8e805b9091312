import request from 'supertest';
import { Applier } from '../src/db/models';
import * as groupsQueries from '../src/groups/groups.queries';
import type { SearchFilters } from '../src/groups/list-query';
import { runsPage, toItems } from '../src/groups/list-pages';
import { notStartedWhere } from '../src/groups/schedule';
import { forgetBroadSearches } from '../src/groups/probe';
import { searchAccess, searchKeys, searchWhere } from '../src/groups/search';
import { PROBE_LIMIT } from '../src/groups/search.queries';
import { countQueries } from './support/comments';
import { GUEST, member, useCalendarContext, type Member } from './support/groups';
import { makeRuns, probes, type RunSpec } from './support/probe';

/**
 * A search of more combinations than it reads by key one by one (two regions and a theme: 70)
 * probes its runs by key first, and when it finds at most PROBE_LIMIT, takes its page (and the
 * count `finish=1` needs) from them: the very pages, in the very order, of the date-ordered read
 * by its conditions. With more, it reads in date order, and remembers the search as broad.
 */
const file = useCalendarContext();

let host: Member;
let viewer: Member;
beforeAll(async () => {
  host = await member(file.ctx);
  viewer = await member(file.ctx);
});
beforeEach(() => forgetBroadSearches());
afterEach(() => jest.restoreAllMocks());

/** Gangwon or Jeju, on the track: 70 combinations. */
const filtersOf = (from: string, to: string): Omit<SearchFilters, 'includeStarted'> => ({
  dateFrom: from,
  dateTo: to,
  regions: [4, 9],
  themes: ['트랙'],
  timeSlots: null,
  distanceBands: null,
});

type Filters = ReturnType<typeof filtersOf>;
const ORDER: groupsQueries.ColumnOrder = [
  ['date', 'ASC'],
  ['standbyTime', 'ASC'],
  ['groupId', 'ASC'],
];
type Page = { limit: number; offset: number };

/** The page as `/group/all` reads it (with the probe), and its cards. */
async function probedRead(filters: Filters, page: Page, includeStarted: boolean) {
  const query = { ...searchAccess(filters), page, viewerId: viewer.user.userId };
  return toItems(file.ctx, await runsPage(file.ctx, query, includeStarted));
}

/** The page read in date order by the search's conditions, as before the probe. */
async function orderedRead(filters: Filters, page: Page, includeStarted: boolean) {
  const query = {
    where: searchWhere(filters),
    searchKeys: null,
    regions: filters.regions,
    page,
    viewerId: viewer.user.userId,
  };
  return toItems(file.ctx, await runsPage(file.ctx, query, includeStarted));
}

const PAGES: Page[] = [0, 3, 6, 9, 0, 30].map((offset, i) => ({
  limit: [6, 3, 4, 5, 100, 6][i],
  offset,
}));

describe('A search of many combinations that matches few runs', () => {
  let filters: Filters;
  let matching: string[];

  beforeAll(async () => {
    const { at } = file.calendar.window();
    filters = filtersOf(at(0), at(39));
    expect(searchKeys(filters)).toBeNull();
    expect(searchKeys(filters, 245)).toHaveLength(70);
    // Matching runs: past, today around noon, to come; four at one start (the id decides).
    matching = await makeRuns(host.user.userId, at, [
      { day: 2, time: '07:00:00', region: 4, thema: '트랙' },
      { day: 19, time: '06:00:00', region: 9, thema: '트랙' },
      { day: 20, time: '11:59:00', region: 9, thema: '트랙', distance: 21.1 },
      { day: 20, time: '12:01:00', region: 4, thema: '트랙', distance: 2 },
      { day: 21, time: '19:00:00', region: 4, thema: '트랙' },
      { day: 21, time: '19:00:00', region: 9, thema: '트랙' },
      { day: 21, time: '19:00:00', region: 4, thema: '트랙' },
      { day: 21, time: '19:00:00', region: 9, thema: '트랙' },
      { day: 30, time: '05:30:00', region: 4, thema: '트랙' },
    ]);
    // Runs of the window the search does not match (another region or theme).
    await makeRuns(host.user.userId, at, [
      { day: 1, time: '07:00:00', region: 1, thema: '트랙' },
      { day: 20, time: '13:00:00', region: 4, thema: '산' },
      { day: 22, time: '08:00:00', region: 9, thema: '해변' },
    ]);
    await Applier.create({ groupId: matching[4], userId: viewer.user.userId });
    file.calendar.set(at(20), '12:00:00');
  });

  it.each([false, true])(
    'gives the pages of the date-ordered read, in its order (finish=%s)',
    async (includeStarted) => {
      for (const page of PAGES) {
        const expected = await orderedRead(filters, page, includeStarted);
        let probed: Awaited<ReturnType<typeof probedRead>> = [];
        const found = await probes(async () => {
          probed = await probedRead(filters, page, includeStarted);
        });
        expect(probed).toEqual(expected);
        expect(found.length).toBeGreaterThan(0);
        expect(found.every((n) => n !== null)).toBe(true);
      }
      const all = await probedRead(filters, { limit: 100, offset: 0 }, includeStarted);
      // To come soonest first (the four at one start by id), then started most recent first.
      const toCome = [matching[3], ...matching.slice(4, 8).sort(), matching[8]];
      expect(all.map((item) => item.groupId)).toEqual(
        includeStarted ? [...toCome, matching[2], matching[1], matching[0]] : toCome,
      );
      const applied = { applyState: true, applyPeople: 1 };
      expect(all.find((item) => item.groupId === matching[4])).toMatchObject(applied);
    },
  );

  it('reads a page, full or empty, in one statement, whatever the runs', async () => {
    for (const offset of [0, 12]) {
      const page = { limit: 6, offset };
      expect(await countQueries(file.ctx.sequelize, () => probedRead(filters, page, false))).toBe(
        1,
      );
    }
    // finish=1 spanning both parts: each part probed, the first's count taken from it.
    const both = { limit: 4, offset: 4 };
    expect(await countQueries(file.ctx.sequelize, () => probedRead(filters, both, true))).toBe(2);
    // finish=1 past the runs to come: those are counted by key (at most the offset).
    const past = { limit: 2, offset: 7 };
    expect(await countQueries(file.ctx.sequelize, () => probedRead(filters, past, true))).toBe(3);
  });

  it('reads one statement for a search that matches nothing, over HTTP too', async () => {
    const { at } = file.calendar.window();
    const none = filtersOf(at(0), at(39));
    file.calendar.set(at(20), '12:00:00');
    await makeRuns(host.user.userId, at, [{ day: 21, time: '08:00:00', region: 4, thema: '산' }]);
    for (const includeStarted of [false, true]) {
      const page = { limit: 6, offset: 6 };
      expect(await orderedRead(none, page, includeStarted)).toEqual([]);
      expect(
        await countQueries(file.ctx.sequelize, () => probedRead(none, page, includeStarted)),
      ).toBe(includeStarted ? 3 : 1);
    }
    const found = await probes(async () => {
      const res = await request(file.ctx.app)
        .get(`/group/all?date=${at(0)}/${at(39)}&region=4/9/&thema=%ED%8A%B8%EB%9E%99/&size=6`)
        .set(GUEST);
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual([]);
    });
    expect(found).toEqual([0]);
  });
});

describe('Searches that are not probed', () => {
  it('one region alone (read exactly by the region index), and every region with one theme', () => {
    const wide = (over: Partial<Filters>) =>
      searchAccess({ ...filtersOf('2300-01-01', ''), ...over });
    expect(wide({ regions: [9], themes: null }).probe).toBeNull();
    expect(wide({ regions: null }).probe).toBeNull();
    expect(wide({ regions: [9], themes: ['산', '트랙'] }).probe?.keys).toHaveLength(70);
  });

  it('reads one region alone without a probe', async () => {
    const { at } = file.calendar.window();
    file.calendar.set(at(20), '12:00:00');
    const ids = await makeRuns(host.user.userId, at, [
      { day: 21, time: '08:00:00', region: 9, thema: '산' },
      { day: 22, time: '08:00:00', region: 9, thema: '트랙' },
    ]);
    const filters = { ...filtersOf(at(0), at(39)), regions: [9], themes: null };
    let items: Array<{ groupId: string }> = [];
    const found = await probes(async () => {
      items = await probedRead(filters, { limit: 6, offset: 0 }, false);
    });
    expect(found).toEqual([]);
    expect(items.map((item) => item.groupId)).toEqual(ids);
  });
});

describe('A search of many combinations at the probe limit', () => {
  let filters: Filters;
  let atOf: (days: number) => string;

  beforeAll(async () => {
    const { at } = file.calendar.window();
    filters = filtersOf(at(0), at(39));
    const specs: RunSpec[] = Array.from({ length: PROBE_LIMIT }, (_, i) => ({
      day: 21 + (i % 15),
      time: `${String(6 + (i % 12)).padStart(2, '0')}:00:00`,
      region: i % 2 === 0 ? 4 : 9,
      thema: '트랙',
    }));
    const [first] = await makeRuns(host.user.userId, at, [
      ...specs,
      { day: 5, time: '09:00:00', region: 4, thema: '트랙' },
    ]);
    await makeRuns(host.user.userId, at, [{ day: 22, time: '09:00:00', region: 4, thema: '공원' }]);
    await Applier.create({ groupId: first, userId: viewer.user.userId });
    file.calendar.set(at(20), '12:00:00');
    atOf = at;
  });

  const limitPages: Page[] = [
    { limit: 6, offset: 0 },
    { limit: 6, offset: 96 },
    { limit: 100, offset: 0 },
    { limit: 100, offset: 50 },
    { limit: 6, offset: 100 },
    { limit: 6, offset: 101 },
  ];

  it('takes exactly PROBE_LIMIT runs from the probe, pages and count alike', async () => {
    for (const includeStarted of [false, true]) {
      for (const page of limitPages) {
        const expected = await orderedRead(filters, page, includeStarted);
        let probed: unknown;
        const found = await probes(async () => {
          probed = await probedRead(filters, page, includeStarted);
        });
        expect(probed).toEqual(expected);
        // A page after the last one has no cards to carry the count (read by key if needed).
        expect(found[0]).toBe(page.offset === PROBE_LIMIT ? 0 : PROBE_LIMIT);
      }
    }
    const last = await probedRead(filters, { limit: 6, offset: 100 }, true);
    expect(last).toHaveLength(1);
  });

  it('reads in date order past PROBE_LIMIT, and remembers the search as broad', async () => {
    await makeRuns(host.user.userId, atOf, [
      { day: 36, time: '23:00:00', region: 9, thema: '트랙' },
    ]);
    for (const includeStarted of [false, true]) {
      forgetBroadSearches();
      for (const [i, page] of limitPages.entries()) {
        const expected = await orderedRead(filters, page, includeStarted);
        let probed: unknown;
        const found = await probes(async () => {
          probed = await probedRead(filters, page, includeStarted);
        });
        expect(probed).toEqual(expected);
        // The first read probes and finds many; the next ones do not probe again.
        expect(found).toEqual(i === 0 ? [null] : []);
      }
    }
    // The probe that found many read its page's cards without their counts (read again after).
    const query = { ...searchAccess(filters), page: { limit: 6, offset: 0 }, viewerId: null };
    const probe = {
      ...query.probe!,
      where: [...query.probe!.where, notStartedWhere(file.ctx.now())],
    };
    const wasted = await groupsQueries.selectProbedCards(
      file.ctx.sequelize,
      { ...query, probe },
      ORDER,
    );
    expect(wasted.probed).toBe(PROBE_LIMIT + 1);
    expect(wasted.rows.map((row) => Number(row.applyPeople))).toEqual([0, 0, 0, 0, 0, 0]);
    // Another date range is another search: probed, and few.
    const narrow = { ...filters, dateTo: atOf(21) };
    const found = await probes(() => probedRead(narrow, { limit: 6, offset: 0 }, false));
    expect(found).toEqual([7]);
  });
});
