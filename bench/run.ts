/**
 * Throughput and latency of the endpoints the SPA calls most, at two data sizes, against a
 * trivial Express endpoint on the same machine as the ceiling:
 *
 *   npm run bench                       # 1,000 then 100,000 runs (10,000 courses), 10 s each
 *   npm run bench -- --quick            # 200 then 5,000 runs, 3 s each: a quick try
 *   npm run bench -- --small 500 --large 20000 --duration 5 --connections 8 --only group/all
 *   npm run bench -- --quick --only "calendar|alarm"   # a regular expression over the names
 *   DB_URL=mysql://root@127.0.0.1:3306/erunjrun_bench REDIS_URL=redis://127.0.0.1:6379/5 npm run bench
 *   npm run bench -- --compare ../erunjrun-before   # another build, side by side on the same data
 *   npm run bench -- --compare http://127.0.0.1:8080  # or a server already running on that data
 *
 * Three processes besides this one, so that what is measured is what runs in production:
 * - the API: the built server as `npm start` runs it (`npm run build` runs first) with
 *   NODE_ENV=production and the default log level, started after each size is seeded, on a
 *   throw-away database (bench/support.ts: embedded SQLite in a temporary folder, or the MySQL
 *   database named by DB_URL/BENCH_DB_URL, dropped and re-created, named "…bench…");
 * - the ceiling: a trivial Express app answering `res.json`, in a fresh process of its own;
 * - the load: autocannon in a child process.
 * This process seeds the data and mints the tokens, and is idle while the load runs. On a
 * 2-core machine the load generator and the server share the CPUs, which is why the ceiling is
 * measured the same way.
 *
 * Server RSS is the API process's resident memory (`/proc/<pid>/status`), sampled every 100 ms
 * while each endpoint is loaded; the phase's line also gives the kernel's peak (VmHWM) from start
 * to end. `--cpu-prof` writes a V8 CPU profile of the API per phase into bench/profiles/.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import type { AddressInfo } from 'node:net';
import type autocannon from 'autocannon';
import express from 'express';
import { QueryTypes } from 'sequelize';
import { startSession } from '../src/auth/sessions';
import { calendarLinks } from '../src/calendar/calendar.service';
import { Comment, Group, User } from '../src/db/models';
import { kstDate } from '../src/lib/time';
import {
  courseIdOf,
  NEAR_SPOTS,
  numberArg,
  rareSearchQuery,
  seedBench,
  type SeedSizes,
} from './seed';
import {
  compareTarget,
  cpuMicrosOf,
  databaseServerPids,
  memoryOf,
  startCommandOf,
  type CompareTarget,
} from './processes';
import { openBenchDatabase } from './support';

interface Request {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  token?: string;
  /** JSON; writes without one send `{}`. */
  body?: string;
}

interface Job {
  name: string;
  base: string;
  /** Each request takes the next of these, round robin (one entry: the same request every time). */
  requests: Request[];
  /**
   * `comment`: each connection takes one of `requests` (a comment's POST) for good and sends it
   * and then DELETE of the comment it created, in turn, so every runner has at most one bench
   * comment at a time and the comment lists keep their seeded length.
   */
  mode?: 'comment';
  duration: number;
  connections: number;
}

interface Outcome {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** The non-2xx status codes answered, if any (why `errors` is not 0). */
  statuses?: string;
  rssMb?: number;
  /** Requests completed (any status) in the measured seconds. */
  requests?: number;
  /** CPU time per completed request, µs: the server's processes, and the database server's. */
  apiCpuUs?: number;
  dbCpuUs?: number;
}

// ---------------------------------------------------------------------------------------------
// Child process: runs one autocannon job per message and answers with its numbers.

const WRITES = new Set(['POST', 'PATCH', 'DELETE']);

const toRequest = (req: object, r: Request) => ({
  ...req,
  method: r.method,
  path: r.path,
  headers: {
    ...(r.token && { authorization: `Bearer ${r.token}` }),
    ...(WRITES.has(r.method) && { 'content-type': 'application/json' }),
  },
  body: WRITES.has(r.method) ? (r.body ?? '{}') : undefined,
});

/** The bench comment `content` in a comment list answer (`data[]`), or null. */
function commentIdIn(body: string, content: string): number | null {
  try {
    const list = (JSON.parse(body) as { data?: Array<{ commentId: number; content: string }> })
      .data;
    return list?.find((item) => item.content === content)?.commentId ?? null;
  } catch {
    return null;
  }
}

async function runClient(): Promise<void> {
  const { default: autocannon } = await import('autocannon');
  process.on('message', (job: Job) => {
    let next = 0;
    const pick = () => job.requests[next++ % job.requests.length];
    // Called before every request: rotates through the job's requests (and tokens), so the
    // toggles spread over many runner/target pairs instead of racing on one.
    const rotating: autocannon.Request[] = [{ setupRequest: (req) => toRequest(req, pick()) }];
    // Per connection: its own runner's comment, then the deletion of that comment.
    interface Commenting {
      request?: Request;
      sent?: number;
      content?: string;
      commentId?: number | null;
    }
    const commenting: autocannon.Request[] = [
      {
        setupRequest: (req, context: Commenting) => {
          context.request ??= pick();
          context.sent = (context.sent ?? 0) + 1;
          context.content = `벤치 댓글 ${context.request.token?.slice(-12)} ${context.sent}`;
          return toRequest(req, {
            ...context.request,
            body: JSON.stringify({ content: context.content }),
          });
        },
        onResponse: (_status, body, context: Commenting) => {
          context.commentId = commentIdIn(body, context.content ?? '');
        },
      },
      {
        setupRequest: (req, context: Commenting) =>
          toRequest(req, {
            method: 'DELETE',
            path: `/comment/${context.commentId ?? 'missing'}`,
            token: context.request?.token,
          }),
      },
    ];
    void autocannon({
      url: job.base,
      connections: job.connections,
      duration: job.duration,
      requests: job.mode === 'comment' ? commenting : rotating,
    }).then((result) => {
      const outcome: Outcome = {
        rps: result.requests.average,
        p50: result.latency.p50,
        p99: result.latency.p99,
        errors: result.errors + result.timeouts + result.non2xx,
        requests: result.requests.total,
        statuses: Object.keys(result.statusCodeStats ?? {})
          .filter((code) => !code.startsWith('2'))
          .join('/'),
      };
      process.send?.(outcome);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Parent: the server, the data and the table.

function measure(
  client: ChildProcess,
  job: Job,
  serverPid: number,
  dbPids: number[] = [],
): Promise<Outcome> {
  let peak = memoryOf(serverPid, 'VmRSS');
  const sampler = setInterval(() => {
    peak = Math.max(peak, memoryOf(serverPid, 'VmRSS'));
  }, 100);
  const apiBefore = cpuMicrosOf([serverPid]);
  const dbBefore = cpuMicrosOf(dbPids);
  return new Promise<Outcome>((resolve) => {
    client.once('message', (outcome: Outcome) => {
      clearInterval(sampler);
      const perRequest = (micros: number) =>
        outcome.requests ? micros / outcome.requests : undefined;
      resolve({
        ...outcome,
        rssMb: peak,
        apiCpuUs: perRequest(cpuMicrosOf([serverPid]) - apiBefore),
        dbCpuUs: dbPids.length ? perRequest(cpuMicrosOf(dbPids) - dbBefore) : undefined,
      });
    });
    client.send(job);
  });
}

interface Server {
  base: string;
  pid: number;
  stop(): Promise<void>;
}

/** Waits for a child's port and wraps it as a server. */
function served(child: ChildProcess, port: Promise<number>): Promise<Server> {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return port.then((p) => ({
    base: `http://127.0.0.1:${p}`,
    pid: child.pid ?? 0,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  }));
}

/** The ceiling: the cheapest JSON answer Express gives on this machine, without middleware. */
function runCeiling(): void {
  const app = express();
  app.get('/ping', (_req, res) => {
    res.json({ ok: true });
  });
  const server = app.listen(0, '127.0.0.1', () => {
    process.send?.((server.address() as AddressInfo).port);
  });
}

function startCeiling(): Promise<Server> {
  const child = fork(__filename, ['--ceiling'], {
    execArgv: ['-r', 'ts-node/register/transpile-only'],
  });
  return served(child, new Promise((resolve) => child.once('message', (p) => resolve(Number(p)))));
}

const ROOT = path.resolve(__dirname, '..');
const TUNING = [
  'TZ',
  'NODE_OPTIONS',
  'DB_POOL_MAX',
  'GROUP_LIST_CACHE',
  'WEB_CONCURRENCY',
  'READ_CACHE',
];

/**
 * The built API server on the benchmark's database, as production runs it. The port is read
 * from its "listening" log line (PORT=0 lets the system choose).
 */
function startServer(
  env: Record<string, string>,
  profileDir: string | null,
  root = ROOT,
): Promise<Server> {
  const start = startCommandOf(root);
  const child = spawn(
    process.execPath,
    [...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), ...start],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        PATH: process.env.PATH ?? '',
        // The settings worth comparing runs with, when set (for example GROUP_LIST_CACHE=false).
        ...Object.fromEntries(
          TUNING.flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : [])),
        ),
        ...env,
        NODE_ENV: 'production',
        PORT: '0',
        LOG_LEVEL: 'info',
        LOG_FORMAT: 'json',
        DB_MIGRATE_ON_START: 'false',
      },
    },
  );
  const port = new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the API exited (${code}) before listening`)));
    // Keep reading stdout after the port is known, so the server never blocks on a full pipe.
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { event?: string; port?: number };
        if (entry.event === 'listening' && entry.port) resolve(entry.port);
      } catch {
        // not a log line
      }
    });
  });
  return served(child, port);
}

async function startCompared(
  target: NonNullable<CompareTarget>,
  env: Record<string, string>,
): Promise<Server> {
  if ('root' in target) return startServer(env, null, target.root);
  // A server of someone else's: checked once, never stopped.
  await fetch(`${target.url}/`).catch((err: unknown) => {
    throw new Error(`--compare ${target.url} does not answer: ${(err as Error).message}`);
  });
  return { base: target.url, pid: 0, stop: async () => undefined };
}

const RUNNERS = 64;
const thema = encodeURIComponent('강변/');
/** Gangwon and Jeju: no track run there (the seeder's spots, and its plant). */
const trackThema = encodeURIComponent('트랙/');

async function main() {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  const small = numberArg(argv, 'small', quick ? 200 : 1_000);
  const large = numberArg(argv, 'large', quick ? 5_000 : 100_000);
  const duration = numberArg(argv, 'duration', quick ? 3 : 10);
  const connections = numberArg(argv, 'connections', 32);
  const onlyAt = argv.indexOf('--only');
  // A regular expression over the endpoints' names (a plain name part matches as before).
  const only = onlyAt >= 0 ? new RegExp(argv[onlyAt + 1]) : undefined;
  const profileDir = argv.includes('--cpu-prof') ? path.join(ROOT, 'bench', 'profiles') : null;
  const compare = compareTarget(argv);
  if (duration < 1 || duration > 120) throw new Error('--duration must be 1–120 seconds');
  if (connections < 1 || connections > RUNNERS)
    throw new Error(`--connections must be 1–${RUNNERS}`);
  if (!fs.existsSync(path.join(ROOT, 'dist/src/server.js')))
    throw new Error('the API is not built: run `npm run build` (`npm run bench` does)');
  // "The configured backend": DB_URL/REDIS_URL as the app reads them, unless BENCH_* are set.
  // (Assigning undefined to process.env would store the string "undefined".)
  if (!process.env.BENCH_DB_URL && process.env.DB_URL)
    process.env.BENCH_DB_URL = process.env.DB_URL;
  if (!process.env.BENCH_REDIS_URL && process.env.REDIS_URL) {
    process.env.BENCH_REDIS_URL = process.env.REDIS_URL;
  }

  // The write limit (120 a minute per client by default) guards production from floods; here
  // every request comes from one address, and the limiter is not what is being measured.
  // The same holds for the calendar feed's limits (per address and per feed).
  const database = await openBenchDatabase('run', {
    RATE_LIMIT_WRITE_MAX: '1000000',
    RATE_LIMIT_ICS_MAX: '1000000',
    RATE_LIMIT_ICS_FEED_MAX: '1000000',
  });
  const { runtime } = database;
  const client = fork(__filename, ['--load-client'], {
    execArgv: ['-r', 'ts-node/register/transpile-only'],
  });
  const ceiling = await startCeiling();
  const dialect = runtime.sequelize.getDialect() === 'mysql' ? 'MySQL/MariaDB' : 'SQLite';
  // Its CPU per request is printed when the database server runs on this machine.
  const dbPids = dialect === 'SQLite' ? [] : databaseServerPids();
  const phases: Array<{
    sizes: SeedSizes;
    rows: Array<{ name: string; outcome: Outcome; compared?: Outcome }>;
    peakRssMb: number;
  }> = [];
  let api: Server | null = null;
  let compared: Server | null = null;

  try {
    // Runners that apply and cancel: fresh users, never hosts or applicants in the seed.
    const runnerIds = Array.from({ length: RUNNERS }, (_, i) => `bench-runner-${i}`);
    await User.bulkCreate(
      runnerIds.map((userId, i) => ({
        userId,
        nickname: `벤치러너${i}`,
        profileUrl: 'https://example.com/profile.png',
        likeLocation: '1',
        likeDistance: '2',
        userLevel: '오렌지',
        social: 'bench',
        socialId: userId,
        phone: null,
        bio: null,
      })),
    );
    const tokens = await Promise.all(
      runnerIds.map(async (id) => (await startSession(runtime, id)).token),
    );
    const viewerToken = (await startSession(runtime, 'bench-user-000000')).token;

    for (const groups of [small, large]) {
      const sizes = {
        groups,
        courses: Math.max(10, Math.round(groups / 10)),
        users: Math.max(100, Math.min(20_000, Math.round(groups / 5))),
      };
      const started = performance.now();
      const seeded = await seedBench(runtime, sizes);
      process.stderr.write(
        `seeded ${JSON.stringify(seeded)} on ${dialect} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
      );

      // Targets: a run to come (its page and its questions) and, per runner, a run to come
      // that has room, so every apply succeeds and every second request cancels it, and a full
      // one, so every waitlist toggle succeeds (joins, then leaves). Fewer pairs than
      // connections would make one runner's toggles race each other.
      const today = kstDate(new Date());
      const runsToCome = async (seats: string, what: string) => {
        const runs = await runtime.sequelize.query<{ groupId: string }>(
          'SELECT `g`.`groupId` FROM `Groups` AS `g` WHERE `g`.`date` > ? AND ' +
            `(SELECT COUNT(*) FROM \`Appliers\` AS \`a\` WHERE \`a\`.\`groupId\` = \`g\`.\`groupId\`) ${seats} ` +
            'ORDER BY `g`.`groupId` LIMIT ?',
          { type: QueryTypes.SELECT, replacements: [today, RUNNERS] },
        );
        if (runs.length < connections) throw new Error(`only ${runs.length} ${what}`);
        return runs;
      };
      const open = await runsToCome('< `g`.`maxPeople` - 1', 'open runs to apply to');
      const full = await runsToCome('>= `g`.`maxPeople`', 'full runs to wait for');
      const questioned = await Comment.findOne({
        attributes: ['groupId'],
        where: { groupId: open.map((g) => g.groupId) },
      });
      const groupId = questioned?.groupId ?? open[0].groupId;
      const courseId = courseIdOf(0);
      // The calendar feed of the questioned run's host (the runtime shares the server's key).
      const host = await Group.findByPk(groupId, { attributes: ['userId'] });
      if (!host) throw new Error(`run ${groupId} vanished`);
      const feed = new URL((await calendarLinks(runtime, host.userId)).url).pathname;
      const filtered = `/group/all?date=&region=1&time=&distance=2/3/&finish=0&thema=${thema}&page=1&size=6`;

      // Per runner, a course of its own (as far as there are courses) for the course writes.
      const runnerCourses = tokens.map((token, i) => ({
        token,
        courseId: courseIdOf(i % sizes.courses),
      }));
      const all: Array<{ name: string; requests: Job['requests']; mode?: Job['mode'] }> = [
        {
          name: 'GET /group/all (no filter)',
          requests: [
            {
              method: 'GET',
              path: '/group/all?date=&region=&time=&distance=&finish=0&thema=&page=1&size=6',
            },
          ],
        },
        { name: 'GET /group/all (filtered)', requests: [{ method: 'GET', path: filtered }] },
        // Searches of 70 combinations (src/groups/probe.ts) that match no run, and the seeder's
        // planted runs (bench/seed.ts RARE_PLANT), the same ones at every size.
        ...[
          ['no match, 70 keys', `region=4/9/&thema=${trackThema}`],
          ['rare, 70 keys', rareSearchQuery(new Date())],
        ].map(([name, search]) => ({
          name: `GET /group/all (${name})`,
          requests: [{ method: 'GET' as const, path: `/group/all?${search}&page=1&size=6` }],
        })),
        {
          name: 'GET /group/all (filtered, signed in)',
          requests: [{ method: 'GET', path: filtered, token: viewerToken }],
        },
        { name: 'GET /group/main', requests: [{ method: 'GET', path: '/group/main' }] },
        {
          name: 'GET /group/detail/:id',
          requests: [{ method: 'GET', path: `/group/detail/${groupId}` }],
        },
        ...(['new', 'starPoint', 'comment', 'bookmark'] as const).map((sort) => ({
          name: `GET /course/all sort=${sort}`,
          requests: [
            { method: 'GET' as const, path: `/course/all?region=0&sort=${sort}&page=1&size=6` },
          ],
        })),
        {
          name: 'GET /course/detail/:id',
          requests: [{ method: 'GET', path: `/course/detail/${courseId}` }],
        },
        // Runs near me from a few places where the seeded runs are dense or sparse: the page is
        // found in a small box first, then a wider one (see src/groups/near.service.ts). Page 2
        // of 20 within 50 km is full at every place and size (the sparse ones by the seeder's
        // planted clusters, bench/seed.ts NEAR_PLANT).
        {
          name: 'GET /group/near (5 km, signed in)',
          requests: NEAR_SPOTS.map(({ lat, lng }) => ({
            method: 'GET' as const,
            path: `/group/near?lat=${lat}&lng=${lng}&page=1&size=6`,
            token: viewerToken,
          })),
        },
        {
          name: 'GET /group/near (50 km)',
          requests: NEAR_SPOTS.map(({ lat, lng }) => ({
            method: 'GET' as const,
            path: `/group/near?lat=${lat}&lng=${lng}&radiusKm=50&page=2&size=20`,
          })),
        },
        {
          name: 'GET /group/:id/route.gpx',
          requests: [{ method: 'GET', path: `/group/${groupId}/route.gpx` }],
        },
        {
          name: 'GET /course/:id/route.gpx',
          requests: [{ method: 'GET', path: `/course/${courseId}/route.gpx` }],
        },
        {
          name: 'GET /comment/group/:id',
          requests: [{ method: 'GET', path: `/comment/group/${groupId}` }],
        },
        {
          name: 'GET /calendar/<secret>.ics',
          requests: [{ method: 'GET', path: feed }],
        },
        {
          name: 'GET /alarm (signed in)',
          requests: [{ method: 'GET', path: '/alarm', token: viewerToken }],
        },
        {
          name: 'POST /group/:id/apply (toggle)',
          requests: open.map((g, i) => ({
            method: 'POST' as const,
            path: `/group/${g.groupId}/apply`,
            token: tokens[i],
          })),
        },
        {
          name: 'PATCH /course/:id/bookmark (toggle)',
          requests: runnerCourses.map(({ token, courseId: course }) => ({
            method: 'PATCH' as const,
            path: `/course/${course}/bookmark`,
            token,
          })),
        },
        // Each runner rates its course 1, 2, … 5 in turn: every request changes the rating.
        {
          name: 'PATCH /course/:id/starPoint',
          requests: [1, 2, 3, 4, 5].flatMap((myStarPoint) =>
            runnerCourses.map(({ token, courseId: course }) => ({
              method: 'PATCH' as const,
              path: `/course/${course}/starPoint`,
              token,
              body: JSON.stringify({ myStarPoint }),
            })),
          ),
        },
        {
          name: 'POST+DELETE /comment/course/:id',
          mode: 'comment',
          requests: runnerCourses.map(({ token, courseId: course }) => ({
            method: 'POST' as const,
            path: `/comment/course/${course}`,
            token,
          })),
        },
        {
          name: 'POST /group/:id/waitlist (toggle)',
          requests: full.map((g, i) => ({
            method: 'POST' as const,
            path: `/group/${g.groupId}/waitlist`,
            token: tokens[i],
          })),
        },
      ];
      const endpoints = all.filter((endpoint) => !only || only.test(endpoint.name));

      api = await startServer(database.env, profileDir);
      const server = api;
      compared = compare && (await startCompared(compare, database.env));
      const other = compared;
      const job = (
        { name, requests, mode }: (typeof all)[number],
        base: string,
        seconds = duration,
        pid = server.pid,
      ) =>
        measure(
          client,
          { name, base, requests, mode, duration: seconds, connections },
          pid,
          dbPids,
        );
      // One unmeasured second per endpoint first: the JIT, the connection pool and the
      // database's caches warm up here, in each phase, on a freshly started server.
      for (const endpoint of endpoints) {
        await job(endpoint, api.base, 1);
        if (other) await job(endpoint, other.base, 1, other.pid);
      }

      const rows: Array<{ name: string; outcome: Outcome; compared?: Outcome }> = [];
      rows.push({
        name: 'ceiling: trivial Express JSON',
        outcome: await measure(
          client,
          {
            name: 'ceiling',
            base: ceiling.base,
            requests: [{ method: 'GET', path: '/ping' }],
            duration,
            connections,
          },
          ceiling.pid,
        ),
      });
      for (const endpoint of endpoints) {
        process.stderr.write(`  ${endpoint.name}…\n`);
        // This server, then the compared one right after: both see the same machine load.
        const outcome = await job(endpoint, api.base);
        rows.push({
          name: endpoint.name,
          outcome,
          ...(other && { compared: await job(endpoint, other.base, duration, other.pid) }),
        });
      }
      // Requests autocannon gave up on at the end of a duration may still be running here.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const peakRssMb = memoryOf(api.pid, 'VmHWM');
      await api.stop();
      api = null;
      await compared?.stop();
      compared = null;
      phases.push({ sizes: seeded, rows, peakRssMb });
    }
  } finally {
    client.kill();
    await api?.stop();
    await compared?.stop();
    await ceiling.stop();
    await database.close();
  }

  const fixed = (n: number, d = 0) => n.toFixed(d);
  const micros = (us: number | undefined) => (us === undefined ? '—' : fixed(us));
  console.log(
    `\n${dialect}, ${connections} connections, ${duration} s per endpoint, ${os.cpus().length} cores, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  if (compare) {
    console.log(
      `compared with ${'url' in compare ? compare.url : compare.root} (the "cmp" columns; ×cmp = this server's req/s ÷ the compared one's)`,
    );
  }
  for (const { sizes, rows, peakRssMb } of phases) {
    const ceilingRps = rows[0].outcome.rps;
    console.log(
      `\n${sizes.groups.toLocaleString('en')} runs, ${sizes.courses.toLocaleString('en')} courses, ${sizes.users.toLocaleString('en')} users; API peak RSS ${fixed(peakRssMb)} MB`,
    );
    console.log(
      `${'endpoint'.padEnd(38)} ${'req/s'.padStart(7)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'errors'.padStart(6)} ${'RSS MB'.padStart(7)} ${'API µs'.padStart(7)} ${'DB µs'.padStart(6)} ${'×ceil'.padStart(6)}${compare ? ` ${'cmp req/s'.padStart(9)} ${'cmp p99'.padStart(7)} ${'cmp err'.padStart(7)} ${'cmp API'.padStart(7)} ${'cmp DB'.padStart(6)} ${'×cmp'.padStart(6)}` : ''}`,
    );
    for (const { name, outcome: o, compared: c } of rows) {
      const side = c
        ? ` ${fixed(c.rps).padStart(9)} ${fixed(c.p99).padStart(7)} ${String(c.errors).padStart(7)} ${micros(c.apiCpuUs).padStart(7)} ${micros(c.dbCpuUs).padStart(6)} ${(c.rps > 0 ? fixed(o.rps / c.rps, 2) : '∞').padStart(6)}`
        : '';
      const statuses = [o.statuses && `HTTP ${o.statuses}`, c?.statuses && `cmp HTTP ${c.statuses}`]
        .filter(Boolean)
        .join(', ');
      console.log(
        `${name.padEnd(38)} ${fixed(o.rps).padStart(7)} ${fixed(o.p50).padStart(7)} ${fixed(o.p99).padStart(7)} ${String(o.errors).padStart(6)} ${fixed(o.rssMb ?? 0).padStart(7)} ${micros(o.apiCpuUs).padStart(7)} ${micros(o.dbCpuUs).padStart(6)} ${fixed(o.rps / ceilingRps, 2).padStart(6)}${side}${statuses ? `  (${statuses})` : ''}`,
      );
    }
  }
  if (phases.length === 2) {
    console.log(`\nlarge / small (throughput as a fraction of each phase's ceiling; < 1 = slower)`);
    const [a, b] = phases;
    a.rows.forEach((row, i) => {
      if (i === 0) return;
      const share = (p: typeof a, j: number) => p.rows[j].outcome.rps / p.rows[0].outcome.rps;
      const p99 = b.rows[i].outcome.p99 / Math.max(1, a.rows[i].outcome.p99);
      const raw = b.rows[i].outcome.rps / a.rows[i].outcome.rps;
      console.log(
        `${row.name.padEnd(38)} throughput ${(share(b, i) / share(a, i)).toFixed(2)}× (raw ${raw.toFixed(2)}×)  p99 ${p99.toFixed(2)}×`,
      );
    });
  }
}

if (process.argv.includes('--load-client')) {
  void runClient();
} else if (process.argv.includes('--ceiling')) {
  runCeiling();
} else {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  });
}
