/**
 * One worker tick under a burst: 5,000 runs meet at the same minute (each with its host and
 * three runners, half of the 20,000 people texted), and the tick that lands 30 minutes before
 * writes every start alarm and sends every text. Prints the time of each part, then replays
 * the same tick (a second worker, or a retried one) to show that it writes nothing twice.
 *
 *   npm run bench:worker                                   # embedded SQLite in a temporary folder
 *   BENCH_DB_URL=mysql://root@127.0.0.1:3306/erunjrun_bench npm run bench:worker
 *   npm run bench:worker -- --runs 5000 --sens-ms 50 --concurrency 20
 *
 * SENS is replaced by an in-process sender that answers after `--sens-ms` (0 by default), so
 * the numbers are the worker's own cost; with real SENS the sending part grows by about
 * latency ÷ WORKER_SMS_CONCURRENCY per text. The database is the benchmarks' own (see
 * `bench/support.ts`): embedded by default, or the MySQL one named by BENCH_DB_URL.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { argsOrExit, intOption } from '../src/cli/args';
import { Alarm, Applier, Group, User } from '../src/db/models';
import { createWorkerDeps } from '../src/jobs/deps';
import { REMINDER_JOBS, runReminderScan } from '../src/jobs/scheduler';
import { runSmsOutbox } from '../src/alarms/sms-outbox';
import { recordScan } from '../src/jobs/scan-state';
import { fromKst } from '../src/lib/time';
import { messageType, type SmsSender } from '../src/sms';
import { startBenchApi } from './support';

const RUNNERS_PER_RUN = 3;
const CHUNK = 1_000;

async function inChunks<T>(rows: T[], write: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await write(rows.slice(i, i + CHUNK));
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const WORKER_CLI = {
  command: 'npm run bench:worker --',
  summary:
    'Times one worker tick with many runs due at once (BENCH_DB_URL for MySQL, else embedded).',
  options: {
    runs: { type: 'string', value: '<n>', description: 'runs due at once (default 5000)' },
    'sens-ms': {
      type: 'string',
      value: '<n>',
      description: 'simulated SENS latency per text (ms) (default 0)',
    },
    concurrency: { type: 'string', value: '<n>', description: 'texts sent at once (default 4)' },
  },
} as const;

async function main() {
  const { runs, sensMs, concurrency } = argsOrExit(WORKER_CLI, ({ values }) => ({
    runs: intOption('runs', values.runs, 5000, [1, 1000000]),
    sensMs: intOption('sens-ms', values['sens-ms'], 0, [0, 60000]),
    concurrency: intOption('concurrency', values.concurrency, 4, [1, 50]),
  }));
  // Its HTTP side is not used: the worker has none.
  const bench = await startBenchApi('worker');
  const { runtime } = bench;
  let texts = 0;
  const sms: SmsSender = {
    kind: 'sens',
    async send({ content }) {
      texts += 1;
      if (sensMs > 0) await new Promise((r) => setTimeout(r, sensMs));
      return { type: messageType(content) };
    },
  };
  const deps = createWorkerDeps(runtime, {
    sms,
    settings: { ...runtime.config.worker, smsConcurrency: concurrency },
  });

  try {
    const date = '2040-06-01';
    const cipher = runtime.phones;
    const people = runs * (1 + RUNNERS_PER_RUN);
    const seedStart = performance.now();
    const users = Array.from({ length: people }, (_, i) => ({
      userId: `bench-user-${String(i).padStart(6, '0')}`,
      nickname: `러너${i}`,
      profileUrl: 'https://example.com/p.png',
      social: 'kakao',
      socialId: `bench-${i}`,
      agreeSMS: i % 2 === 0,
      phone: i % 2 === 0 ? cipher.encrypt(`010${String(i).padStart(8, '0')}`) : null,
    }));
    await inChunks(users, (chunk) => User.bulkCreate(chunk as User[]));
    const groups = Array.from({ length: runs }, (_, i) => ({
      groupId: `bench-group-${String(i).padStart(6, '0')}`,
      userId: users[i * (1 + RUNNERS_PER_RUN)].userId,
      mapLatLng: '[]',
      title: `한강 러닝 ${i}`,
      maxPeople: 10,
      date,
      standbyTime: '19:00:00',
      finishTime: null,
      distance: 5,
      speed: '6',
      location: '서울 영등포구',
      region: 1,
      timecode: 5,
      thema: '강변',
    }));
    await inChunks(groups, (chunk) => Group.bulkCreate(chunk as Group[]));
    const appliers = groups.flatMap((g, i) =>
      Array.from({ length: 1 + RUNNERS_PER_RUN }, (_, k) => ({
        groupId: g.groupId,
        userId: users[i * (1 + RUNNERS_PER_RUN) + k].userId,
      })),
    );
    await inChunks(appliers, (chunk) => Applier.bulkCreate(chunk as Applier[]));
    console.log(
      `seeded ${runs} runs, ${people} people, ${appliers.length} applications in ${seconds(performance.now() - seedStart)}`,
    );

    // A steady worker: the previous tick was 30 seconds earlier.
    const now = fromKst(date, '18:30:00');
    for (const [name] of REMINDER_JOBS) await recordScan(name, new Date(now.getTime() - 30_000));

    const timings: Record<string, number> = {};
    const timed = async (name: string, work: () => Promise<unknown>) => {
      const started = performance.now();
      await work();
      timings[name] = performance.now() - started;
    };
    // One tick, in its parts: the reminder scans write the alarms, the outbox sends the texts.
    const tick = async (at: Date, label: string) => {
      await timed(`${label} reminders`, async () => {
        for (const [name, job] of REMINDER_JOBS)
          await runReminderScan(deps, name, job, { now: at });
      });
      await timed(`${label} texts`, () => runSmsOutbox(deps, { now: at }));
    };
    await tick(now, 'first');
    const alarms = await Alarm.count({ where: { category: 'start' } });
    const sent = await Alarm.count({ where: { smsStatus: 'sent' } });
    const sentTexts = texts;

    // The same window again, as a second worker or a retried tick would see it.
    for (const [name] of REMINDER_JOBS) await recordScan(name, new Date(now.getTime() - 30_000));
    await tick(new Date(now.getTime() + 1000), 'replay');
    const alarmsAfterReplay = await Alarm.count({ where: { category: 'start' } });

    const dialect = runtime.sequelize.getDialect() === 'mysql' ? 'MySQL/MariaDB' : 'SQLite';
    console.log(
      `\nworker tick on ${dialect}, ${os.cpus().length} cores, SENS answering in ${sensMs} ms, ${concurrency} texts at a time`,
    );
    const first = timings['first reminders'] + timings['first texts'];
    console.log(
      `one tick: ${alarms} start alarms in ${seconds(timings['first reminders'])}, ${sent} texts in ${seconds(timings['first texts'])}, ${seconds(first)} in all`,
    );
    console.log(
      `replayed tick: ${alarmsAfterReplay - alarms} alarms and ${texts - sentTexts} texts more, ${seconds(timings['replay reminders'] + timings['replay texts'])}`,
    );
    console.log(`peak RSS ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB`);
  } finally {
    await bench.close();
  }
}

void main();
