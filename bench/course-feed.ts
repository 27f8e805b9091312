/**
 * How `GET /course/all` grows with data: seeds 100 courses (1,000 comments, 500 bookmarks, 500
 * ratings), times the feed, grows the same database to 10,000 courses (100,000 comments, 50,000
 * bookmarks, 50,000 ratings), times it again and prints the ratio. The API runs in this process
 * on an ephemeral port and is called over HTTP with keep-alive by a signed-in user whose
 * preferred region decides the ranking, as the SPA's course page does.
 *
 *   npx ts-node --transpile-only bench/course-feed.ts                 # embedded SQLite
 *   BENCH_DB_URL=mysql://root@127.0.0.1:3306/erunjrun_course_bench \
 *     BENCH_REDIS_URL=redis://127.0.0.1:6379/9 npx ts-node --transpile-only bench/course-feed.ts
 *
 * See bench/support.ts for the database it uses.
 */
import { runsArgument } from '../src/cli/args';
import type { Transaction } from 'sequelize';
import { up as refreshSortKeys } from '../migrations/20261123000600-course-sort-keys';
import { up as refreshCommentCounts } from '../migrations/20261124000900-course-comment-count';
import { startSession } from '../src/auth/sessions';
import type { Runtime } from '../src/bootstrap';
import { forgetRanking } from '../src/courses/feed';
import { Bookmark, Comment, Course, StarPoint, User } from '../src/db/models';
import { percentile, startBenchApi } from './support';

/** Per course, as in the issue: 10 comments, 5 bookmarks, 5 ratings. */
const PER_COURSE = { comments: 10, bookmarks: 5, ratings: 5 };
const SIZES = [100, 10_000];
const USERS = 2_000;
const CHUNK = 1_000;
const WARM_UP = 30;
const PLACES: Array<[string, number]> = [
  ['서울 마포구 상암동', 1],
  ['경기 고양시 일산동구', 2],
  ['인천 연수구 송도동', 3],
  ['강원 춘천시 근화동', 4],
  ['대전 유성구 궁동', 5],
  ['대구 수성구 범어동', 6],
  ['부산 해운대구 우동', 7],
  ['광주 북구 용봉동', 8],
  ['제주특별자치도 제주시 연동', 9],
];

const STARS = '/course/all?region=0&sort=starPoint&page=1&size=6';
/** `guest`: no preferred region, so the ranking covers every course. */
const FEEDS: Array<{ name: string; url: string; guest?: boolean; coldRanking?: boolean }> = [
  { name: 'sort=starPoint (compared)', url: STARS },
  { name: 'sort=new', url: '/course/all?region=0&sort=new&page=1&size=6' },
  { name: 'sort=bookmark', url: '/course/all?region=0&sort=bookmark&page=1&size=6' },
  { name: 'sort=comment', url: '/course/all?region=0&sort=comment&page=1&size=6' },
  { name: 'sort=starPoint, region=1', url: '/course/all?region=1&sort=starPoint&page=1&size=6' },
  { name: 'sort=starPoint, guest', url: STARS, guest: true },
  // The ranking is reused for a minute; these are the requests that compute it again.
  { name: 'sort=starPoint, ranking recomputed', url: STARS, coldRanking: true },
  { name: 'sort=starPoint, guest, ranking recomputed', url: STARS, guest: true, coldRanking: true },
];

const id = (prefix: string, n: number) => `${prefix}-${String(n).padStart(6, '0')}`;

/** Writes rows in chunks, all in one transaction. */
async function bulk<T>(
  runtime: Runtime,
  rows: T[],
  write: (chunk: T[], transaction: Transaction) => Promise<unknown>,
): Promise<void> {
  await runtime.sequelize.transaction(async (transaction) => {
    for (let i = 0; i < rows.length; i += CHUNK) await write(rows.slice(i, i + CHUNK), transaction);
  });
}

/** Courses `from`..`to`-1 with their comments, bookmarks and ratings by distinct users. */
async function seedCourses(runtime: Runtime, from: number, to: number): Promise<void> {
  const courses = [];
  const comments = [];
  const bookmarks = [];
  const ratings = [];
  for (let n = from; n < to; n += 1) {
    const courseId = id('bench-course', n);
    const [location, region] = PLACES[n % PLACES.length];
    courses.push({
      courseId,
      userId: id('bench-user', n % USERS),
      title: `벤치 코스 ${n}`,
      content: '설명',
      location: `${location} ${n % 500}`,
      mapLatLng: '[{"lat":37.5,"lng":127}]',
      distance: 3 + (n % 20),
      totalTime: '1h 0min',
      courseImageUrl1: `${courseId}.webp`,
      courseImageUrl2: null,
      courseImageUrl3: null,
      starPoint: 0,
      baggage: null,
      parking: null,
      clickCnt: (n * 37) % 500,
      region,
      thema: '강변',
      createdAt: new Date(Date.UTC(2026, 0, 1) + n * 60_000),
    });
    for (let c = 0; c < PER_COURSE.comments; c += 1) {
      comments.push({
        courseId,
        groupId: null,
        userId: id('bench-user', (n + c * 7) % USERS),
        content: '좋아요',
      });
    }
    for (let k = 1; k <= PER_COURSE.bookmarks; k += 1) {
      const userId = id('bench-user', (n + k * 101) % USERS);
      bookmarks.push({ courseId, userId });
      ratings.push({ courseId, userId, myStarPoint: 1 + ((n * 7 + k * 3) % 5) });
    }
  }
  await bulk(runtime, courses, (chunk, transaction) => Course.bulkCreate(chunk, { transaction }));
  await bulk(runtime, comments, (chunk, transaction) => Comment.bulkCreate(chunk, { transaction }));
  await bulk(runtime, bookmarks, (chunk, transaction) =>
    Bookmark.bulkCreate(chunk, { transaction }),
  );
  await bulk(runtime, ratings, (chunk, transaction) =>
    StarPoint.bulkCreate(chunk, { transaction }),
  );
  // The rows went in behind the API's back: recount the sort keys as the migrations do.
  const context = {
    queryInterface: runtime.sequelize.getQueryInterface(),
    sequelize: runtime.sequelize,
  };
  await refreshSortKeys(context);
  await refreshCommentCounts(context);
  if (runtime.sequelize.getDialect() === 'mysql') {
    await runtime.sequelize.query('ANALYZE TABLE `Courses`, `Comments`, `Bookmarks`, `starpoint`');
  }
}

interface Timing {
  p50: number;
  p95: number;
}

async function time(
  request: () => Promise<Response>,
  runs: number,
  before?: () => Promise<void>,
): Promise<Timing> {
  const samples: number[] = [];
  for (let i = 0; i < runs + WARM_UP; i += 1) {
    if (before) await before();
    const start = performance.now();
    const res = await request();
    await res.json();
    const elapsed = performance.now() - start;
    if (res.status !== 200) throw new Error(`answered ${res.status}`);
    if (i >= WARM_UP) samples.push(elapsed);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p95: percentile(samples, 95) };
}

async function main() {
  const runs = runsArgument({
    command: 'ts-node --transpile-only bench/course-feed.ts',
    summary:
      'Times GET /course/all on a small and a large feed (BENCH_DB_URL for MySQL, else embedded).',
    counts: 'sequential requests per case',
    fallback: 200,
  });
  const { runtime, base, close } = await startBenchApi('courses');
  try {
    await bulk(
      runtime,
      Array.from({ length: USERS }, (_, n) => ({
        userId: id('bench-user', n),
        nickname: `러너${n}`,
        profileUrl: 'https://example.com/p.png',
        likeLocation: String(1 + (n % 9)),
        social: 'kakao',
        socialId: `bench-${n}`,
      })),
      (chunk, transaction) => User.bulkCreate(chunk, { transaction }),
    );
    const { token, refreshToken } = await startSession(runtime, id('bench-user', 0));
    const headers = { authorization: `Bearer ${token}`, reauthorization: `Bearer ${refreshToken}` };
    const guest = { authorization: 'Bearer undefined', reauthorization: 'Bearer undefined' };
    const results: Timing[][] = [];
    let seeded = 0;
    for (const size of SIZES) {
      const started = performance.now();
      await seedCourses(runtime, seeded, size);
      seeded = size;
      console.log(
        `seeded ${size} courses in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      await forgetRanking(runtime);
      const timings = [];
      for (const feed of FEEDS) {
        const request = () => fetch(base + feed.url, { headers: feed.guest ? guest : headers });
        // A cold request first drops the cached ranking, so that it is computed again.
        const before = feed.coldRanking ? () => forgetRanking(runtime) : undefined;
        timings.push(await time(request, feed.coldRanking ? Math.min(runs, 50) : runs, before));
      }
      results.push(timings);
    }

    const dialect = runtime.sequelize.getDialect() === 'mysql' ? 'MySQL/MariaDB' : 'SQLite';
    console.log(`\nGET /course/all on ${dialect}, ${runs} sequential requests each`);
    FEEDS.forEach(({ name }, i) => {
      const [small, large] = results.map((r) => r[i]);
      console.log(`\n${name}`);
      SIZES.forEach((size, s) => {
        const t = results[s][i];
        console.log(
          `  ${`${size} courses`.padEnd(16)} p50 ${t.p50.toFixed(2).padStart(7)} ms  p95 ${t.p95.toFixed(2).padStart(7)} ms`,
        );
      });
      console.log(`  ratio (p50)      ${(large.p50 / small.p50).toFixed(2)}×`);
    });
  } finally {
    await close();
  }
}

void main();
