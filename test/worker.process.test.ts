import type { Sequelize } from 'sequelize';
import { loadConfig } from '../src/config';
import { createSequelize } from '../src/db/sequelize';
import { Alarm, Applier, initModels } from '../src/db/models';
import { createLogger } from '../src/lib/logger';
import { kstDate, kstTime } from '../src/lib/time';
import { AppProcess } from './support/app-process';
import { freePort } from './support/redis-server';
import { makeGroupRow } from './support/comments';
import { makeUser } from './support/users';

/**
 * The worker as its own process, on its own embedded database (whatever backend the suite runs
 * on), so its real-clock ticks never touch the other tests' rows.
 */
jest.setTimeout(90_000);

let worker: AppProcess;
let port: number;
let sequelize: Sequelize | undefined;

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
  });
});

afterAll(async () => {
  await sequelize?.close();
  await worker.remove();
});

it('The worker reports healthy once it ticks, writes a reminder that falls due, and on SIGTERM finishes and exits 0', async () => {
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

  worker.child.kill('SIGTERM');
  expect(await worker.exited()).toBe(0);
  expect(worker.output).toContain('worker stopped');
  expect(worker.output).not.toContain('"level":"error"');
});
