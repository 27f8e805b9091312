import type { Sequelize } from 'sequelize';
import { loadConfig } from '../src/config';
import { createSequelize } from '../src/db/sequelize';
import { Alarm, Applier, initModels } from '../src/db/models';
import { createLogger } from '../src/lib/logger';
import { METRICS_UNAUTHORIZED } from '../src/lib/metrics';
import { kstDate, kstTime } from '../src/lib/time';
import { AppProcess } from './support/app-process';
import { freePort } from './support/redis-server';
import { makeGroupRow } from './support/comments';
import { makeUser } from './support/users';
import { uniqueSuffix } from './support/context';

/**
 * The worker as its own process, on its own embedded database (whatever backend the suite runs
 * on), so its real-clock ticks never touch the other tests' rows.
 */
jest.setTimeout(90_000);

let worker: AppProcess;
let port: number;
let sequelize: Sequelize | undefined;
const METRICS_TOKEN = `worker-metrics-${uniqueSuffix()}-${uniqueSuffix()}`;

async function until<T>(what: string, probe: () => Promise<T | null | undefined>, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${worker.output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  port = await freePort();
  worker = AppProcess.start('src/worker.ts', 'worker-process', {
    WORKER_TICK_SECONDS: '1',
    WORKER_HEALTH_PORT: String(port),
    METRICS_TOKEN,
  });
});

afterAll(async () => {
  await sequelize?.close();
  await worker.remove();
});

it('The worker reports healthy once it ticks, writes a reminder that falls due, serves its metrics behind the token, and on SIGTERM finishes and exits 0', async () => {
  await until('the health endpoint', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/health`);
    return res.status === 200 ? res.json() : null;
  });

  // The worker has migrated its database: write a run that meets 30 minutes and 2 seconds from now.
  const config = loadConfig({ ...process.env, DB_URL: '', DATA_DIR: worker.dataDir });
  sequelize = createSequelize(config.db, createLogger({ level: 'silent', format: 'json' }));
  initModels(sequelize);
  const meeting = new Date(Date.now() + 30 * 60_000 + 2000);
  const host = await makeUser();
  const group = await makeGroupRow(host, {
    date: kstDate(meeting),
    standbyTime: kstTime(meeting),
  });
  await Applier.create({ groupId: group.groupId, userId: host.userId } as Applier);

  const alarm = await until(
    'the start alarm',
    () => Alarm.findOne({ where: { groupId: group.groupId, category: 'start' } }),
    20_000,
  );
  expect(alarm).toMatchObject({ userId: host.userId, role: 'host' });

  // Its metrics, on the health port, behind the token.
  const metricsUrl = `http://127.0.0.1:${port}/metrics`;
  const refused = await fetch(metricsUrl);
  expect(refused.status).toBe(401);
  expect(await refused.json()).toEqual({ success: false, message: METRICS_UNAUTHORIZED });
  const scraped = await fetch(metricsUrl, {
    headers: { Authorization: `Bearer ${METRICS_TOKEN}` },
  });
  expect(scraped.status).toBe(200);
  expect(scraped.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await scraped.text();
  const sample = (series: string) =>
    Number(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);
  expect(sample('erunjrun_worker_alarms_due_total{category="start"}')).toBeGreaterThanOrEqual(1);
  // The host has no phone: the alarm is written with its text skipped, so nothing is queued.
  expect(sample('erunjrun_worker_outbox_pending')).toBe(0);
  expect(sample('erunjrun_worker_tick_lag_seconds')).toBeGreaterThanOrEqual(0);
  expect(sample('erunjrun_worker_last_tick_timestamp_seconds')).toBeGreaterThan(
    Date.now() / 1000 - 60,
  );
  expect(sample('erunjrun_worker_tick_duration_seconds_count')).toBeGreaterThanOrEqual(1);
  expect(sample('process_resident_memory_bytes')).toBeGreaterThan(0);

  worker.child.kill('SIGTERM');
  expect(await worker.exited()).toBe(0);
  expect(worker.output).toContain('worker stopped');
  expect(worker.output).not.toContain('"level":"error"');
});
