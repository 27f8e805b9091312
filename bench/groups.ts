/**
 * How `GET /group/all` grows with data: seeds 100 runs (1,000 applications), times the list,
 * grows the same database to 10,000 runs (100,000 applications) with bulk inserts, times it
 * again and prints the ratio. The API runs in this process on an ephemeral port and is called
 * over HTTP with keep-alive, as a client would.
 *
 *   npm run bench:groups                      # embedded SQLite in a temporary folder
 *   BENCH_DB_URL=mysql://root@127.0.0.1:3306/erunjrun_bench npm run bench:groups
 *   npm run bench:groups -- --runs 500
 *
 * The MySQL database named by BENCH_DB_URL is dropped and re-created, and dropped at the end
 * (its name must contain "bench"). Runs are spread over 60 days before and after today, so half
 * have started.
 */
import os from 'node:os';
import { runsArgument } from '../src/cli/args';
import { Applier, Group, User } from '../src/db/models';
import type { Runtime } from '../src/bootstrap';
import { timeSlotFromTime } from '../src/lib/codes';
import { kstDate } from '../src/lib/time';
import { percentile, startBenchApi } from './support';

const SMALL = { groups: 100, applicationsPerGroup: 10 };
const LARGE = { groups: 10_000, applicationsPerGroup: 10 };
const USERS = 2_000;
const CHUNK = 1_000;
const DAY_MS = 86_400_000;
const WARM_UP = 50;

/** The searches timed at both sizes, as the SPA sends them (contract §2.1). */
const SEARCHES: Array<{ name: string; url: () => string }> = [
  {
    name: 'filtered (time, distance, theme), size 6',
    url: () =>
      `/group/all?date=&region=&time=3/4/5/&distance=2/3/4/&finish=0&thema=${encodeURIComponent('강변/공원/도시/산/')}&page=1&size=6`,
  },
  {
    name: 'filtered (region, theme), size 6',
    url: () =>
      `/group/all?date=&region=1&time=&distance=&finish=0&thema=${encodeURIComponent('강변/공원/')}&page=1&size=6`,
  },
  {
    name: 'rare combination (Jeju, track, 15 km+), size 6',
    url: () =>
      `/group/all?date=&region=9&time=&distance=4/&finish=0&thema=${encodeURIComponent('트랙/')}&page=1&size=6`,
  },
  {
    name: 'no filter, size 6',
    url: () => '/group/all?date=&region=&time=&distance=&finish=0&thema=&page=1&size=6',
  },
  {
    name: 'started runs included (finish=1), size 100',
    url: () => '/group/all?date=&region=&time=&distance=&finish=1&thema=&page=1&size=100',
  },
];

const THEMES = ['산', '도시', '강변', '해변', '공원', '트랙'];
const PLACES = [
  '서울 영등포구 여의도동',
  '서울 마포구 상암동',
  '경기 성남시 분당구',
  '인천 연수구 송도동',
  '강원 춘천시 근화동',
  '대전 유성구 궁동',
  '부산 해운대구 우동',
  '광주 북구 용봉동',
  '제주특별자치도 제주시 연동',
];
const REGIONS = [1, 1, 2, 3, 4, 5, 7, 8, 9];

/** A small deterministic generator, so both sizes and both backends see the same data. */
function random(seed: number) {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
  return { next, int: (n: number) => Math.floor(next() * n) };
}

async function inChunks<T>(rows: T[], write: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await write(rows.slice(i, i + CHUNK));
}

async function seedUsers(runtime: Runtime): Promise<string[]> {
  const users = Array.from({ length: USERS }, (_, i) => ({
    userId: `bench-user-${String(i).padStart(5, '0')}`,
    nickname: `러너${i}`,
    profileUrl: 'https://example.com/p.png',
    likeLocation: String(1 + (i % 9)),
    likeDistance: String(i % 5),
    userLevel: '오렌지',
    social: 'kakao',
    socialId: `bench-${i}`,
  }));
  await runtime.sequelize.transaction((transaction) =>
    inChunks(users, (chunk) => User.bulkCreate(chunk as User[], { transaction })),
  );
  return users.map((u) => u.userId);
}

/** Adds runs `from`..`to`-1 with `perGroup` applications each (the host's first). */
async function seedGroups(
  runtime: Runtime,
  userIds: string[],
  from: number,
  to: number,
  perGroup: number,
): Promise<void> {
  const rand = random(from + 1);
  const groups: Array<Partial<Group>> = [];
  const appliers: Array<Partial<Applier>> = [];
  for (let i = from; i < to; i += 1) {
    const groupId = `bench-group-${String(i).padStart(6, '0')}`;
    const host = rand.int(userIds.length);
    const place = rand.int(PLACES.length);
    const hour = 5 + rand.int(17);
    const standbyTime = `${String(hour).padStart(2, '0')}:${rand.int(2) ? '30' : '00'}:00`;
    groups.push({
      groupId,
      userId: userIds[host],
      mapLatLng: '[{"lat":37.52,"lng":126.93}]',
      title: `벤치 러닝 ${i}`,
      maxPeople: 20,
      date: kstDate(new Date(Date.now() + (rand.int(121) - 60) * DAY_MS)),
      standbyTime,
      finishTime: '23:00:00',
      distance: Math.round((1 + rand.next() * 24) * 100) / 100,
      speed: `5'30" km/h`,
      location: `${PLACES[place]} ${rand.int(500)}`,
      region: REGIONS[place],
      timecode: timeSlotFromTime(standbyTime),
      thema: THEMES[rand.int(THEMES.length)],
      chattingRoom: '',
    });
    const members = new Set([host]);
    while (members.size < perGroup) members.add(rand.int(userIds.length));
    for (const member of members) appliers.push({ groupId, userId: userIds[member] });
  }
  await runtime.sequelize.transaction(async (transaction) => {
    await inChunks(groups, (chunk) => Group.bulkCreate(chunk as Group[], { transaction }));
    await inChunks(appliers, (chunk) => Applier.bulkCreate(chunk as Applier[], { transaction }));
  });
  if (runtime.sequelize.getDialect() === 'mysql') {
    await runtime.sequelize.query('ANALYZE TABLE `Groups`, `Appliers`, `Users`');
  }
}

interface Timing {
  p50: number;
  p95: number;
  items: number;
}

async function time(base: string, url: string, runs: number): Promise<Timing> {
  const samples: number[] = [];
  let items = 0;
  for (let i = 0; i < runs + WARM_UP; i += 1) {
    const start = performance.now();
    const res = await fetch(base + url, { headers: { authorization: 'Bearer undefined' } });
    const body = (await res.json()) as { data?: unknown[] };
    const elapsed = performance.now() - start;
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
    items = body.data?.length ?? 0;
    if (i >= WARM_UP) samples.push(elapsed); // the first ones warm caches and the JIT
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p95: percentile(samples, 95), items };
}

async function main() {
  const runs = runsArgument({
    command: 'npm run bench:groups --',
    summary: 'Times GET /group/all at 100 and 10,000 runs (BENCH_DB_URL for MySQL, else embedded).',
    counts: 'timed requests per step',
    fallback: 300,
  });
  const { runtime, base, close } = await startBenchApi('groups');

  try {
    const userIds = await seedUsers(runtime);
    const results: Array<{ size: string; timings: Timing[] }> = [];
    for (const [size, target] of [
      ['100 runs / 1,000 applications', SMALL],
      ['10,000 runs / 100,000 applications', LARGE],
    ] as const) {
      const seeded = await Group.count();
      const started = performance.now();
      await seedGroups(runtime, userIds, seeded, target.groups, target.applicationsPerGroup);
      const seedSeconds = ((performance.now() - started) / 1000).toFixed(1);
      console.log(`seeded ${size} in ${seedSeconds} s`);
      const timings = [];
      for (const search of SEARCHES) timings.push(await time(base, search.url(), runs));
      results.push({ size, timings });
    }

    console.log(
      `\nGET /group/all on ${runtime.sequelize.getDialect() === 'mysql' ? 'MySQL/MariaDB' : 'SQLite'}, ${runs} sequential requests each, ${os.cpus().length} cores`,
    );
    SEARCHES.forEach((search, i) => {
      const [small, large] = results.map((r) => r.timings[i]);
      console.log(`\n${search.name}`);
      for (const [r, t] of [
        [results[0], small],
        [results[1], large],
      ] as const) {
        console.log(
          `  ${r.size.padEnd(36)} p50 ${t.p50.toFixed(2).padStart(6)} ms  p95 ${t.p95.toFixed(2).padStart(6)} ms  (${t.items} items)`,
        );
      }
      console.log(`  ratio (p50 large / small)            ${(large.p50 / small.p50).toFixed(2)}×`);
    });
  } finally {
    await close();
  }
}

void main();
