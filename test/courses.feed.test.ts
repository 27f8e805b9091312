import request from 'supertest';
import { Course, User } from '../src/db/models';
import * as queries from '../src/courses/courses.queries';
import { forgetRanking } from '../src/courses/feed';
import { regionFromAddress } from '../src/lib/codes';
import { useTestContext, type TestContext } from './support/context';
import { countQueries } from './support/comments';
import { GUEST, headersFor, makeCourse, mark } from './support/courses';
import { makeUser } from './support/users';

/**
 * The feed tests own regions 8 and 9: no other test writes courses there, so those lists are
 * known exactly. Their courses are dated in 2089/2090, ahead of every other test's, so they
 * also head the all-region lists sorted by date.
 */
let ctx: TestContext;
let as: ReturnType<typeof headersFor>;
let known: Record<string, Course>;
let nameOf: Map<string, string>;
let viewer: User;
let other: User;
let author: User;

type Name = 'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'G' | 'X';

/** Region 9 in each order (ties: newest first), as worked out from the marks below. */
const REGION9: Record<string, Name[]> = {
  new: ['G', 'F', 'E', 'D', 'C', 'B', 'A'],
  starPoint: ['A', 'E', 'B', 'G', 'D', 'F', 'C'],
  comment: ['C', 'B', 'F', 'G', 'D', 'E', 'A'],
  bookmark: ['D', 'C', 'F', 'A', 'G', 'E', 'B'],
};
const STARS: Record<Name, number> = { A: 5, B: 4.5, C: 0, D: 3.7, E: 4.5, F: 1, G: 4.3, X: 0 };
const COMMENTS: Record<Name, number> = { A: 0, B: 3, C: 5, D: 1, E: 0, F: 2, G: 1, X: 0 };

useTestContext(
  async (c) => {
    ctx = c;
    as = headersFor(ctx);
    author = await makeUser();
    viewer = await makeUser({ likeLocation: '9' });
    other = await makeUser({ likeLocation: null });
    const raters = await Promise.all([1, 2, 3, 4].map(() => makeUser()));
    const [r1, r2, r3, r4] = raters;
    const commenter = await makeUser();

    known = {};
    for (const [i, name] of ['A', 'B', 'C', 'D', 'E', 'F', 'G'].entries()) {
      known[name] = await makeCourse(author, {
        title: `제주 코스 ${name}`,
        location: '제주특별자치도 제주시 애월읍 123',
        region: 9,
        createdAt: new Date(Date.UTC(2090, 0, 1, 0, i)),
      });
    }
    known.X = await makeCourse(await makeUser(), {
      title: '여수 코스 X',
      location: '전남 여수시 돌산읍',
      region: 8,
      createdAt: new Date(Date.UTC(2089, 0, 1)),
    });
    nameOf = new Map(Object.entries(known).map(([name, c]) => [c.courseId, name]));

    const comments = (n: number) => Array.from({ length: n }, () => commenter);
    await mark(ctx, known.A, {
      ratings: [
        [r1, 5],
        [r2, 5],
      ],
      bookmarkedBy: [viewer],
    });
    await mark(ctx, known.B, {
      ratings: [
        [r1, 4],
        [r2, 5],
      ],
      comments: comments(3),
    });
    await mark(ctx, known.C, { comments: comments(5), bookmarkedBy: [other, r1] });
    await mark(ctx, known.D, {
      ratings: [
        [r1, 3],
        [r2, 4],
        [r3, 4],
      ],
      comments: comments(1),
      bookmarkedBy: [viewer, r1, r2],
    });
    await mark(ctx, known.E, {
      ratings: [
        [r1, 5],
        [r2, 4],
      ],
    });
    await mark(ctx, known.F, { ratings: [[r1, 1]], comments: comments(2), bookmarkedBy: [r3] });
    await mark(ctx, known.G, {
      ratings: [
        [r1, 4],
        [r2, 4],
        [r3, 5],
        [r4, 4],
      ],
      comments: comments(1),
    });
    const clicks: Partial<Record<Name, number>> = { A: 1000, B: 500, C: 2, E: 2000, G: 1, X: 3000 };
    for (const [name, clickCnt] of Object.entries(clicks)) {
      await Course.update({ clickCnt }, { where: { courseId: known[name].courseId } });
    }
    await forgetRanking(ctx);
    // A key store of its own: another file's course writes store a new ranking generation, which
    // would make "computed once" below a race.
  },
  // A database of its own too: the all-regions pages are read twice and compared, and another
  // file's new course between the two reads changed one of them (seen once in a full run).
  { ownKeyStore: true, ownDatabase: true },
);

const api = () => request(ctx.app);
const get = async (path: string, user?: User) =>
  api()
    .get(path)
    .set(user ? await as(user) : GUEST);
const names = (items: Array<{ courseId: string }>) =>
  items.map((i) => nameOf.get(i.courseId) ?? '?');
const knownNames = (items: Array<{ courseId: string }>) => names(items).filter((n) => n !== '?');

/** Every page of a list, in order (`size` items each until the last). */
async function allPages(query: string, size: number, user?: User) {
  const pages: Array<Array<{ courseId: string; starPoint: number; commentCnt: number }>> = [];
  for (let page = 1; ; page += 1) {
    const res = await get(`/course/all?${query}&page=${page}&size=${size}`, user);
    expect(res.status).toBe(200);
    pages.push(res.body.data.feed);
    if (res.body.data.feed.length < size) return pages;
  }
}

const nonIncreasing = (values: number[]) => values.every((v, i) => i === 0 || values[i - 1] >= v);

describe('GET /course/all', () => {
  it('answers the contract envelope and item fields: 384 px image, viewer bookmark, numbers, short location', async () => {
    const res = await get('/course/all?region=9&sort=new&page=1&size=6', viewer);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['data', 'preferData', 'success']);
    expect(Object.keys(res.body.data).sort()).toEqual(['feed', 'rankingFeed']);
    const a = known.A;
    const item = res.body.data.feed.find((i: { courseId: string }) => i.courseId === a.courseId);
    // A is the seventh newest: it is not on the first page of six.
    expect(item).toBeUndefined();
    const d = res.body.data.feed[3];
    expect(d).toEqual({
      courseId: known.D.courseId,
      courseImageUrl1: `${ctx.config.images.baseUrl}/w_384/${known.D.courseImageUrl1}`,
      bookmark: true,
      title: '제주 코스 D',
      starPoint: 3.7,
      commentCnt: 1,
      location: '제주특별자치도 제주시',
      distance: 5.5,
    });
    for (const i of [...res.body.data.feed, ...res.body.data.rankingFeed]) {
      expect(Object.keys(i).sort()).toEqual(
        [
          'bookmark',
          'commentCnt',
          'courseId',
          'courseImageUrl1',
          'distance',
          'location',
          'starPoint',
          'title',
        ].sort(),
      );
      expect(typeof i.bookmark).toBe('boolean');
      expect(typeof i.starPoint).toBe('number');
      expect(typeof i.commentCnt).toBe('number');
    }
  });

  it.each(Object.entries(REGION9))(
    'sorts region 9 by %s in SQL before paginating, page after page',
    async (sort, order) => {
      const pages = await allPages(`region=9&sort=${sort}`, 3);
      expect(pages.map(names)).toEqual([order.slice(0, 3), order.slice(3, 6), order.slice(6)]);
      const items = pages.flat();
      expect(items.map((i) => i.starPoint)).toEqual(order.map((n) => STARS[n]));
      expect(items.map((i) => i.commentCnt)).toEqual(order.map((n) => COMMENTS[n]));
    },
  );

  it('shows the average star point rounded to one decimal, 0 without ratings', async () => {
    const res = await get('/course/all?region=9&sort=starPoint&page=1&size=10');
    const stars = Object.fromEntries(
      res.body.data.feed.map((i: { courseId: string; starPoint: number }) => [
        nameOf.get(i.courseId),
        i.starPoint,
      ]),
    );
    // G: (4 + 4 + 5 + 4) / 4 = 4.25 → 4.3; D: 11 / 3 = 3.67 → 3.7; C has no rating.
    expect(stars).toEqual({ A: 5, B: 4.5, C: 0, D: 3.7, E: 4.5, F: 1, G: 4.3 });
  });

  it.each(['new', 'starPoint', 'comment', 'bookmark'])(
    'keeps every region to itself when sorted by %s, and all regions in order for region 0',
    async (sort) => {
      for (let region = 1; region <= 9; region += 1) {
        for (const page of await allPages(`region=${region}&sort=${sort}`, 100)) {
          for (const item of page as unknown as Array<{ location: string }>) {
            expect({
              region,
              location: item.location,
              code: regionFromAddress(item.location),
            }).toEqual({ region, location: item.location, code: region });
          }
          if (sort === 'starPoint') expect(nonIncreasing(page.map((i) => i.starPoint))).toBe(true);
          if (sort === 'comment') expect(nonIncreasing(page.map((i) => i.commentCnt))).toBe(true);
        }
      }
      expect(names((await allPages(`region=8&sort=${sort}`, 100)).flat())).toEqual(['X']);
      // The known courses sit high in every order (dated ahead of the others, or well marked),
      // so the first page holds them all. X has no marks and is older than A..G: it comes last.
      const everywhere = await get(`/course/all?region=0&sort=${sort}&page=1&size=100`);
      expect(knownNames(everywhere.body.data.feed)).toEqual([...REGION9[sort], 'X']);
    },
  );

  it('pages the all-region feed by date: the newest known courses fill the first pages', async () => {
    // Only the first pages: other test files add courses (older than these) while this runs.
    const page = async (n: number) =>
      names((await get(`/course/all?region=0&sort=new&page=${n}&size=3`)).body.data.feed);
    expect(await page(1)).toEqual(['G', 'F', 'E']);
    expect(await page(2)).toEqual(['D', 'C', 'B']);
    expect((await page(3)).slice(0, 2)).toEqual(['A', 'X']);
  });

  it('uses region 0, newest first, page 1 and 6 items when the query is empty', async () => {
    const res = await get('/course/all');
    expect(res.status).toBe(200);
    expect(names(res.body.data.feed)).toEqual(['G', 'F', 'E', 'D', 'C', 'B']);
  });

  it.each([
    ['region=10'],
    ['region=seoul'],
    ['region=-1'],
    ['region=1.5'],
    ['region=%201'],
    ['sort=clickCnt'],
    ['sort=NEW'],
    ['sort=new&sort=new'],
    ['page=0'],
    ['page=1000001'],
    ['page=0x1'],
    ['size=101'],
    ['size=1e2'],
    ['page=1&page=2'],
  ])('refuses %s with the original list message, on every course list', async (query) => {
    for (const list of ['all', 'main', 'mypage', 'bookmark']) {
      const res = await get(`/course/${list}?${query}`, viewer);
      expect({ list, status: res.status }).toEqual({ list, status: 400 });
      expect(res.body).toEqual({
        success: false,
        message: '코스 추천 게시물 불러오기 실패하였습니다',
      });
    }
  });

  it('reads empty parameters as left out, and numbers with leading zeros or a plus sign', async () => {
    const plain = await get('/course/all?region=9&sort=starPoint&page=2&size=3');
    expect(plain.status).toBe(200);
    const written = await get('/course/all?region=09&sort=starPoint&page=%2B2&size=003&userId=');
    expect(written.status).toBe(200);
    expect(names(written.body.data.feed)).toEqual(names(plain.body.data.feed));
    expect(names(plain.body.data.feed)).toHaveLength(3);
    const empty = await get('/course/all?region=&sort=&page=&size=');
    const none = await get('/course/all');
    expect(empty.status).toBe(200);
    expect(names(empty.body.data.feed)).toEqual(names(none.body.data.feed));
    expect(names(none.body.data.feed)).toHaveLength(6);
  });

  it('marks the viewer’s own bookmarks, never those of the profile in the query', async () => {
    const flags = async (user?: User) => {
      const res = await get(`/course/all?region=9&sort=new&page=1&size=10`, user);
      return names(
        res.body.data.feed.filter((i: { bookmark: boolean }) => i.bookmark === true),
      ).sort();
    };
    expect(await flags(viewer)).toEqual(['A', 'D']);
    expect(await flags(other)).toEqual(['C']);
    expect(await flags()).toEqual([]);
  });
});

describe('The ranking (rankingFeed) and preferData', () => {
  beforeEach(async () => {
    await forgetRanking(ctx);
  });

  it('ranks the viewer’s preferred region by comments + stars + views, top 3, and names it', async () => {
    // E: 0 + 4.5 + 2000, A: 0 + 5 + 1000, B: 3 + 4.5 + 500; X (3000) is in region 8.
    const res = await get('/course/all?region=0&sort=new&page=1&size=6', viewer);
    expect(names(res.body.data.rankingFeed)).toEqual(['E', 'A', 'B']);
    expect(res.body.preferData).toBe('제주특별자치도');
    expect(res.body.data.rankingFeed[1]).toMatchObject({ bookmark: true, starPoint: 5 });
  });

  it('ranks all regions for guests and users without a preference, with an empty preferData', async () => {
    for (const user of [undefined, other]) {
      const res = await get('/course/all?region=9&sort=starPoint&page=2&size=3', user);
      expect(names(res.body.data.rankingFeed)).toEqual(['X', 'E', 'A']);
      expect(res.body.preferData).toBe('');
    }
    const southwest = await makeUser({ likeLocation: '8' });
    const res = await get('/course/all', southwest);
    expect(names(res.body.data.rankingFeed)).toEqual(['X']);
    expect(res.body.preferData).toBe('전라도/광주광역시');
  });

  it('is reused for a minute, then computed again', async () => {
    expect(names((await get('/course/all', viewer)).body.data.rankingFeed)).toEqual([
      'E',
      'A',
      'B',
    ]);
    await Course.update({ clickCnt: 10_000 }, { where: { courseId: known.C.courseId } });
    try {
      expect(names((await get('/course/all', viewer)).body.data.rankingFeed)).toEqual([
        'E',
        'A',
        'B',
      ]);
      await forgetRanking(ctx);
      expect(names((await get('/course/all', viewer)).body.data.rankingFeed)).toEqual([
        'C',
        'E',
        'A',
      ]);
    } finally {
      await Course.update({ clickCnt: 2 }, { where: { courseId: known.C.courseId } });
    }
  });

  it('is computed once per region however many ask at once', async () => {
    const scoring = jest.spyOn(queries, 'findRankingIds');
    try {
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) => get('/course/all', i % 2 ? viewer : undefined)),
      );
      expect(answers.map((res) => res.status)).toEqual(answers.map(() => 200));
      expect(names(answers[1].body.data.rankingFeed)).toEqual(['E', 'A', 'B']);
      expect(names(answers[0].body.data.rankingFeed)).toEqual(['X', 'E', 'A']);
      // Region 9 (the viewer's) and all regions (the guests'): one computation each.
      expect(scoring.mock.calls.map(([region]) => region).sort()).toEqual([9, null]);
    } finally {
      scoring.mockRestore();
    }
  });

  it('shows a course created or deleted through the API to the next read', async () => {
    const southwest = await makeUser({ likeLocation: '8' });
    const ranking = async () => names((await get('/course/all', southwest)).body.data.rankingFeed);
    expect(await ranking()).toEqual(['X']);
    // Written behind the app's back: the cached ranking is still in use...
    const y = await makeCourse(author, {
      title: '여수 코스 Y',
      location: '전남 여수시',
      region: 8,
    });
    const z = await makeCourse(author, {
      title: '여수 코스 Z',
      location: '전남 여수시',
      region: 8,
    });
    await Course.update({ clickCnt: 5000 }, { where: { courseId: y.courseId } });
    nameOf.set(y.courseId, 'Y').set(z.courseId, 'Z');
    expect(await ranking()).toEqual(['X']);
    // ...and a deletion through the API is seen at once.
    const removed = await api()
      .delete(`/course/${z.courseId}`)
      .set(await as(author));
    expect(removed.status).toBe(200);
    expect(await ranking()).toEqual(['Y', 'X']);
    const cleanUp = await api()
      .delete(`/course/${y.courseId}`)
      .set(await as(author));
    expect(cleanUp.status).toBe(200);
    expect(await ranking()).toEqual(['X']);
  });

  it('runs the same number of queries whatever the page size', async () => {
    await get('/course/all?size=1', viewer);
    // Each read in a second of its own: the feed cache keeps pages for the rest of their second,
    // and what is counted here is the database's share.
    ctx.clock.advance(1);
    const small = await countQueries(ctx.sequelize, () => get('/course/all?size=1', viewer));
    ctx.clock.advance(1);
    const large = await countQueries(ctx.sequelize, () => get('/course/all?size=100', viewer));
    expect(large).toBe(small);
    // Sign-in check, preferred region, the page, the ranked cards.
    expect(small).toBeLessThanOrEqual(4);
  });
});

describe('GET /course/main', () => {
  it('answers the six newest courses as cards', async () => {
    const res = await get('/course/main', viewer);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['data', 'success']);
    expect(names(res.body.data.feed)).toEqual(['G', 'F', 'E', 'D', 'C', 'B']);
    expect(res.body.data.feed[3].bookmark).toBe(true);
  });
});

describe('GET /course/mypage', () => {
  it('lists a user’s courses newest first, with the viewer’s bookmark flags', async () => {
    const res = await get(`/course/mypage?userId=${author.userId}`, viewer);
    expect(res.status).toBe(200);
    expect(names(res.body.data.feed)).toEqual(REGION9.new);
    const flagged = res.body.data.feed.filter((i: { bookmark: boolean }) => i.bookmark);
    expect(names(flagged)).toEqual(['D', 'A']);
    const page = await get(`/course/mypage?userId=${author.userId}&page=2&size=3`);
    expect(names(page.body.data.feed)).toEqual(['D', 'C', 'B']);
  });

  it('defaults to the signed-in user; unknown users are 404 and a guest without userId 400', async () => {
    const res = await get('/course/mypage', author);
    expect(names(res.body.data.feed)).toEqual(REGION9.new);
    const unknown = await get('/course/mypage?userId=nobody');
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toBe('코스 추천 게시물 불러오기 실패하였습니다');
    expect((await get('/course/mypage')).status).toBe(400);
  });

  it('runs the same number of queries for one course or many', async () => {
    const lonely = await makeUser();
    await makeCourse(lonely, { location: '경북 경주시', region: 6 });
    const one = await countQueries(ctx.sequelize, () =>
      get(`/course/mypage?userId=${lonely.userId}`),
    );
    const seven = await countQueries(ctx.sequelize, () =>
      get(`/course/mypage?userId=${author.userId}`),
    );
    expect(seven).toBe(one);
  });
});

describe('GET /course/bookmark', () => {
  it('shows the owner their bookmarks, newest first, flagged', async () => {
    for (const path of [`/course/bookmark?userId=${viewer.userId}`, '/course/bookmark']) {
      const res = await get(path, viewer);
      expect(res.status).toBe(200);
      expect(names(res.body.data.feed)).toEqual(['D', 'A']);
      expect(res.body.data.feed.map((i: { bookmark: boolean }) => i.bookmark)).toEqual([
        true,
        true,
      ]);
    }
  });

  it('is private: anyone else, guests included, gets an empty list', async () => {
    const res = await get(`/course/bookmark?userId=${viewer.userId}`, other);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, data: { feed: [] } });
    const guest = await get(`/course/bookmark?userId=${viewer.userId}`);
    expect(guest.body).toEqual({ success: true, data: { feed: [] } });
    expect((await get('/course/bookmark')).status).toBe(400);
  });
});

describe('the feed page and its ranking in one statement (READ_CACHE=false)', () => {
  it('answers every list as its own statement does, in its order, in one statement', async () => {
    const ids = ['G', 'A', 'X', 'C'].map((name) => known[name].courseId);
    for (const sort of ['new', 'starPoint', 'comment', 'bookmark'] as const) {
      for (const region of [9, undefined]) {
        for (const offset of [0, 2, 5]) {
          for (const user of [null, viewer.userId]) {
            const slice = { sort, limit: 3, offset };
            const scope = region === undefined ? {} : { region };
            const parts = [{ scope, slice }, { scope: { courseIds: ids } }];
            let lists: queries.FeedRow[][] = [];
            const statements = await countQueries(ctx.sequelize, async () => {
              lists = await queries.findFeedLists(ctx.sequelize, user, parts);
            });
            expect(statements).toBe(1);
            const page = await queries.findFeedRows(ctx.sequelize, user, scope, slice);
            const byIds = await queries.findFeedRows(ctx.sequelize, user, { courseIds: ids });
            expect(lists[0]).toEqual(page);
            const sortById = (rows: queries.FeedRow[]) =>
              [...rows].sort((a, b) => a.courseId.localeCompare(b.courseId));
            expect(sortById(lists[1])).toEqual(sortById(byIds));
          }
        }
      }
    }
    // The region's page in the order worked out above, marks included.
    const [region9] = await queries.findFeedLists(ctx.sequelize, viewer.userId, [
      { scope: { region: 9 }, slice: { sort: 'starPoint', limit: 7 } },
    ]);
    expect(region9.map((row) => nameOf.get(row.courseId))).toEqual(REGION9.starPoint);
  });
});
