/**
 * Throughput and latency of the endpoints the SPA calls most, at two data sizes, against a
 * trivial Express endpoint on the same machine as the ceiling:
 *
 *   npm run bench                       # 1,000 then 100,000 runs (10,000 courses), 10 s each
 *   npm run bench -- --quick            # 200 then 5,000 runs, 3 s each: a quick try
 *   npm run bench -- --small 500 --large 20000 --duration 5 --connections 8
 *   DB_URL=mysql://root@127.0.0.1:3306/erunjrun_bench REDIS_URL=redis://127.0.0.1:6379/5 npm run bench
 *
 * The API runs in this process (bench/support.ts: a throw-away database — embedded SQLite in a
 * temporary folder, or the MySQL database named by DB_URL/BENCH_DB_URL, which is dropped and
 * re-created and must be named "…bench…"). The load comes from autocannon in a child process,
 * so the client does not compete with the server for this process's event loop; on a 2-core
 * machine they still share the CPUs, which is why the ceiling is measured the same way.
 *
 * Server RSS is this process's resident memory (API + seeded rows it no longer holds), sampled
 * every 100 ms while each endpoint is loaded; the peak is reported.
 */
import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { QueryTypes } from 'sequelize';
import { startSession } from '../src/auth/tokens';
import { Comment, User } from '../src/db/models';
import { kstDate } from '../src/lib/time';
import { courseIdOf, numberArg, seedBench, type SeedSizes } from './seed';
import { startBenchApi } from './support';

interface Job {
  name: string;
  base: string;
  /** Each request takes the next of these, round robin (one entry: the same request every time). */
  requests: Array<{ method: 'GET' | 'POST'; path: string; token?: string }>;
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
}

// ---------------------------------------------------------------------------------------------
// Child process: runs one autocannon job per message and answers with its numbers.

async function runClient(): Promise<void> {
  const { default: autocannon } = await import('autocannon');
  process.on('message', (job: Job) => {
    let next = 0;
    const pick = () => job.requests[next++ % job.requests.length];
    void autocannon({
      url: job.base,
      connections: job.connections,
      duration: job.duration,
      requests: [
        {
          // Called before every request: rotates through the job's requests (and tokens), so
          // the apply toggle spreads over many runner/run pairs instead of racing on one.
          setupRequest: (req) => {
            const r = pick();
            return {
              ...req,
              method: r.method,
              path: r.path,
              headers: {
                ...(r.token && { authorization: `Bearer ${r.token}` }),
                ...(r.method === 'POST' && { 'content-type': 'application/json' }),
              },
              body: r.method === 'POST' ? '{}' : undefined,
            };
          },
        },
      ],
    }).then((result) => {
      const outcome: Outcome = {
        rps: result.requests.average,
        p50: result.latency.p50,
        p99: result.latency.p99,
        errors: result.errors + result.timeouts + result.non2xx,
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

function measure(client: ChildProcess, job: Job): Promise<Outcome> {
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 100);
  return new Promise<Outcome>((resolve) => {
    client.once('message', (outcome: Outcome) => {
      clearInterval(sampler);
      resolve({ ...outcome, rssMb: peak / 1024 / 1024 });
    });
    client.send(job);
  });
}

/** The ceiling: the cheapest JSON answer Express gives on this machine, without middleware. */
async function startTrivial(): Promise<{ base: string; close: () => Promise<void> }> {
  const app = express();
  app.get('/ping', (_req, res) => {
    res.json({ ok: true });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const RUNNERS = 64;
const thema = encodeURIComponent('강변/');

async function main() {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  const small = numberArg(argv, 'small', quick ? 200 : 1_000);
  const large = numberArg(argv, 'large', quick ? 5_000 : 100_000);
  const duration = numberArg(argv, 'duration', quick ? 3 : 10);
  const connections = numberArg(argv, 'connections', 4);
  if (duration < 1 || duration > 120) throw new Error('--duration must be 1–120 seconds');
  if (connections < 1 || connections > RUNNERS)
    throw new Error(`--connections must be 1–${RUNNERS}`);
  // "The configured backend": DB_URL/REDIS_URL as the app reads them, unless BENCH_* are set.
  // (Assigning undefined to process.env would store the string "undefined".)
  if (!process.env.BENCH_DB_URL && process.env.DB_URL)
    process.env.BENCH_DB_URL = process.env.DB_URL;
  if (!process.env.BENCH_REDIS_URL && process.env.REDIS_URL) {
    process.env.BENCH_REDIS_URL = process.env.REDIS_URL;
  }

  // The write limit (120 a minute per client by default) guards production from floods; here
  // every request comes from one address, and the limiter is not what is being measured.
  const api = await startBenchApi('run', { RATE_LIMIT_WRITE_MAX: '1000000' });
  const trivial = await startTrivial();
  const client = fork(__filename, ['--load-client'], {
    execArgv: ['-r', 'ts-node/register/transpile-only'],
  });
  const { runtime } = api;
  const dialect = runtime.sequelize.getDialect() === 'mysql' ? 'MySQL/MariaDB' : 'SQLite';
  const phases: Array<{ sizes: SeedSizes; rows: Array<{ name: string; outcome: Outcome }> }> = [];

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
      // that has room, so every apply succeeds and every second request cancels it.
      const today = kstDate(new Date());
      const open = await runtime.sequelize.query<{ groupId: string }>(
        'SELECT `g`.`groupId` FROM `Groups` AS `g` WHERE `g`.`date` > ? AND ' +
          '(SELECT COUNT(*) FROM `Appliers` AS `a` WHERE `a`.`groupId` = `g`.`groupId`) < `g`.`maxPeople` - 1 ' +
          'ORDER BY `g`.`groupId` LIMIT ?',
        { type: QueryTypes.SELECT, replacements: [today, RUNNERS] },
      );
      // Fewer pairs than connections would make one runner's toggles race each other.
      if (open.length < connections) throw new Error(`only ${open.length} open runs to apply to`);
      const questioned = await Comment.findOne({
        attributes: ['groupId'],
        where: { groupId: open.map((g) => g.groupId) },
      });
      const groupId = questioned?.groupId ?? open[0].groupId;
      const courseId = courseIdOf(0);

      const endpoints: Array<{ name: string; requests: Job['requests'] }> = [
        {
          name: 'GET /group/all (no filter)',
          requests: [
            {
              method: 'GET',
              path: '/group/all?date=&region=&time=&distance=&finish=0&thema=&page=1&size=6',
            },
          ],
        },
        {
          name: 'GET /group/all (filtered)',
          requests: [
            {
              method: 'GET',
              path: `/group/all?date=&region=1&time=&distance=2/3/&finish=0&thema=${thema}&page=1&size=6`,
            },
          ],
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
        {
          name: 'GET /comment/group/:id',
          requests: [{ method: 'GET', path: `/comment/group/${groupId}` }],
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
      ];

      if (phases.length === 0) {
        // One unmeasured second per endpoint first: the JIT, the connection pool and the
        // database's caches warm up here, not during the small phase it would flatter the large.
        for (const endpoint of endpoints) {
          await measure(client, { ...endpoint, base: api.base, duration: 1, connections });
        }
      }
      const rows: Array<{ name: string; outcome: Outcome }> = [];
      const job = (name: string, base: string, requests: Job['requests']) =>
        measure(client, { name, base, requests, duration, connections });
      rows.push({
        name: 'ceiling: trivial Express JSON',
        outcome: await job('ceiling', trivial.base, [{ method: 'GET', path: '/ping' }]),
      });
      for (const endpoint of endpoints) {
        process.stderr.write(`  ${endpoint.name}…\n`);
        rows.push({
          name: endpoint.name,
          outcome: await job(endpoint.name, api.base, endpoint.requests),
        });
      }
      phases.push({ sizes: seeded, rows });
    }
    // Requests autocannon gave up on at the end of a duration may still be running here.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  } finally {
    client.kill();
    await trivial.close();
    await api.close();
  }

  const fixed = (n: number, d = 0) => n.toFixed(d);
  console.log(
    `\n${dialect}, ${connections} connections, ${duration} s per endpoint, ${os.cpus().length} cores, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  for (const { sizes, rows } of phases) {
    const ceiling = rows[0].outcome.rps;
    console.log(
      `\n${sizes.groups.toLocaleString('en')} runs, ${sizes.courses.toLocaleString('en')} courses, ${sizes.users.toLocaleString('en')} users`,
    );
    console.log(
      `${'endpoint'.padEnd(34)} ${'req/s'.padStart(7)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'errors'.padStart(6)} ${'RSS MB'.padStart(7)} ${'×ceil'.padStart(6)}`,
    );
    for (const { name, outcome: o } of rows) {
      console.log(
        `${name.padEnd(34)} ${fixed(o.rps).padStart(7)} ${fixed(o.p50).padStart(7)} ${fixed(o.p99).padStart(7)} ${String(o.errors).padStart(6)} ${fixed(o.rssMb ?? 0).padStart(7)} ${fixed(o.rps / ceiling, 2).padStart(6)}${o.statuses ? `  (HTTP ${o.statuses})` : ''}`,
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
        `${row.name.padEnd(34)} throughput ${(share(b, i) / share(a, i)).toFixed(2)}× (raw ${raw.toFixed(2)}×)  p99 ${p99.toFixed(2)}×`,
      );
    });
  }
}

if (process.argv.includes('--load-client')) {
  void runClient();
} else {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  });
}
