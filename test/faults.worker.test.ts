import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Op } from 'sequelize';
import { bootstrap, type Runtime } from '../src/bootstrap';
import { loadConfig, type Config } from '../src/config';
import { Alarm, Applier } from '../src/db/models';
import { createPhoneCipher } from '../src/lib/phone-cipher';
import { kstDate, kstTime } from '../src/lib/time';
import { reminderText } from '../src/jobs/texts';
import { createGroup } from './comments.fixtures';
import { until } from './faults.helpers';
import { createUser } from './support/context';
import { serverConnection } from './support/database';
import { REPO_ROOT } from './support/test-env';
import { FakeSens, randomMobile } from './users.helpers';

/**
 * The worker killed with SIGKILL in the middle of sending a batch of texts, then started again.
 * It runs as its own process on a database of its own (a scratch MariaDB database in the
 * MariaDB run, an embedded one otherwise), texting a fake SENS on loopback that records every
 * message. What the outbox promises (src/jobs/sms-outbox.ts): every due alarm is written once;
 * a text is sent at most once per alarm, and exactly once unless the killed worker had already
 * claimed its row ('sending': SENS may or may not have taken it, so it is never sent again and
 * is marked failed once its lease has run out).
 */
jest.setTimeout(120_000);

const RUNS = 12;
const RUNNERS_PER_RUN = 7; // plus the host; all consenting
const SENS_DELAY_MS = 40;
const CONCURRENCY = 4;
/** Rows one claim round can hold (smsConcurrency × CLAIM_PER_LANE in the outbox). */
const ROUND = CONCURRENCY * 4;

const suffix = crypto.randomBytes(4).toString('hex');
const dataDir = path.join(
  process.env.TEST_DATA_DIR ?? path.join(REPO_ROOT, 'data', 'test'),
  `faults-worker-${suffix}`,
);
const mysqlServer = process.env.TEST_DB_URL
  ? new URL(process.env.TEST_DB_URL.replace(/^mariadb:/, 'mysql:'))
  : null;
const scratch = `erunjrun_faults_worker_${suffix}_test`;

let sens: FakeSens;
let runtime: Runtime | undefined;
let config: Config;
let dbUrl = '';
let child: ChildProcess | undefined;
let output = '';

function startWorker(): ChildProcess {
  const worker = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', path.join(REPO_ROOT, 'src/worker.ts')],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        DB_URL: dbUrl,
        REDIS_URL: '',
        DATA_DIR: dataDir,
        DB_MIGRATE_ON_START: 'false',
        WORKER_TICK_SECONDS: '1',
        WORKER_SMS_CONCURRENCY: String(CONCURRENCY),
        SMS_TIMEOUT_MS: '2000',
        SENS_BASE_URL: sens.baseUrl,
        SENS_SERVICE_ID: sens.settings().serviceId,
        SENS_ACCESS_KEY: sens.settings().accessKey,
        SENS_SECRET_KEY: sens.settings().secretKey,
        SENS_FROM: sens.settings().from,
        LOG_LEVEL: 'warn',
        LOG_FORMAT: 'json',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  worker.stdout?.on('data', (chunk) => (output += String(chunk)));
  worker.stderr?.on('data', (chunk) => (output += String(chunk)));
  return worker;
}

const exited = (worker: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (worker.exitCode !== null || worker.signalCode !== null) resolve();
    else worker.once('exit', () => resolve());
  });

beforeAll(async () => {
  sens = await FakeSens.start();
  sens.delayMs = SENS_DELAY_MS;
  fs.mkdirSync(dataDir, { recursive: true });
  if (mysqlServer) {
    if (!/test/i.test(scratch)) throw new Error(`scratch database ${scratch} must contain "test"`);
    const conn = await serverConnection(mysqlServer.toString());
    try {
      await conn.query(
        `CREATE DATABASE \`${scratch}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
      );
    } finally {
      await conn.end();
    }
    const url = new URL(mysqlServer.toString());
    url.pathname = `/${scratch}`;
    dbUrl = url.toString();
  }
  config = loadConfig({ ...process.env, DB_URL: dbUrl, REDIS_URL: '', DATA_DIR: dataDir });
  runtime = await bootstrap(config, { migrate: true });
});

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await exited(child);
  }
  await runtime?.close();
  await sens?.close();
  if (mysqlServer) {
    const conn = await serverConnection(mysqlServer.toString());
    try {
      await conn.query(`DROP DATABASE IF EXISTS \`${scratch}\``);
    } finally {
      await conn.end();
    }
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

it('After a SIGKILL mid-batch and a restart, every alarm exists once and no one is texted twice', async () => {
  // Runs that all met their start-reminder time a minute ago: the worker's first scan (which
  // looks back up to WORKER_MAX_LATENESS_MINUTES) finds them all however long seeding and
  // start-up take, and queues one large batch of texts.
  const meeting = new Date(Date.now() + 29 * 60_000);
  const cipher = createPhoneCipher(config.phone);
  const numbers = new Map<string, string>(); // userId → mobile
  const textable = async () => {
    const phone = randomMobile();
    const user = await createUser({ phone: cipher.encrypt(phone), agreeSMS: true });
    numbers.set(user.userId, phone);
    return user;
  };
  const groupIds: string[] = [];
  const refusers = new Set<string>();
  for (let r = 0; r < RUNS; r += 1) {
    const host = await textable();
    const group = await createGroup(host, {
      date: kstDate(meeting),
      standbyTime: kstTime(meeting),
    });
    groupIds.push(group.groupId);
    await Applier.create({ groupId: group.groupId, userId: host.userId } as Applier);
    for (let i = 0; i < RUNNERS_PER_RUN; i += 1) {
      const runner = await textable();
      await Applier.create({ groupId: group.groupId, userId: runner.userId } as Applier);
    }
    // One runner per run did not agree to texts: an alarm, never a text.
    const refuser = await createUser({ phone: cipher.encrypt(randomMobile()), agreeSMS: false });
    refusers.add(refuser.userId);
    await Applier.create({ groupId: group.groupId, userId: refuser.userId } as Applier);
  }
  const consenting = RUNS * (RUNNERS_PER_RUN + 1);

  child = startWorker();
  // Kill it once the batch is well under way (a few rounds sent), long before it ends.
  const deadline = Date.now() + 60_000;
  while (sens.requests.length < ROUND + 4) {
    if (Date.now() > deadline) throw new Error(`the batch never started\n${output}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  child.kill('SIGKILL');
  await exited(child);
  const sentBeforeKill = sens.requests.length;
  expect(sentBeforeKill).toBeLessThan(consenting);

  const startAlarms = () =>
    Alarm.findAll({ where: { groupId: { [Op.in]: groupIds }, category: 'start' } });
  const atKill = await startAlarms();
  expect(atKill.some((a) => a.smsStatus === 'pending')).toBe(true);

  // Started again on the same database: it finishes what is left.
  child = startWorker();
  await until(
    'the restarted worker to finish the batch',
    async () => {
      const alarms = await startAlarms();
      return alarms.length > 0 && alarms.every((a) => a.smsStatus !== 'pending');
    },
    60_000,
  );
  // Let any text in flight land before counting.
  await new Promise((r) => setTimeout(r, 3 * SENS_DELAY_MS + 500));
  child.kill('SIGTERM');
  await exited(child);

  // Every due alarm exists exactly once: one start alarm per applicant of each run.
  const alarms = await Alarm.findAll({ where: { groupId: { [Op.in]: groupIds } } });
  const perRecipient = new Map<string, number>();
  for (const alarm of alarms) {
    const key = `${alarm.groupId}/${alarm.userId}/${alarm.category}`;
    perRecipient.set(key, (perRecipient.get(key) ?? 0) + 1);
  }
  expect([...perRecipient.values()].every((n) => n === 1)).toBe(true);
  const starts = alarms.filter((a) => a.category === 'start');
  expect(starts).toHaveLength(RUNS * (RUNNERS_PER_RUN + 2));

  // Texts per alarm, as SENS saw them (a recipient is in one run only).
  const texts = new Map<string, number>();
  for (const req of sens.requests) {
    const key = `${req.body.messages[0].to}\n${req.body.content}`;
    texts.set(key, (texts.get(key) ?? 0) + 1);
  }
  // Nobody got the same text twice.
  expect([...texts.values()].every((n) => n === 1)).toBe(true);

  let leftSending = 0;
  for (const alarm of starts) {
    if (refusers.has(alarm.userId)) {
      expect(alarm.smsStatus).toBe('skipped');
      continue;
    }
    const key = `${numbers.get(alarm.userId)}\n${reminderText(alarm, config.worker.spaUrl)}`;
    const count = texts.get(key) ?? 0;
    if (alarm.smsStatus === 'sending') {
      // Claimed by the killed worker: SENS may or may not have it; never sent a second time.
      leftSending += 1;
      expect(count).toBeLessThanOrEqual(1);
    } else {
      expect({ alarm: alarm.alarmId, status: alarm.smsStatus, count }).toEqual({
        alarm: alarm.alarmId,
        status: 'sent',
        count: 1,
      });
    }
  }
  // Only what the killed worker had claimed is in doubt: at most one claim round per lane set.
  expect(leftSending).toBeLessThanOrEqual(ROUND);
  // No text went to anyone who did not agree, nor to anyone outside these runs.
  const allowed = new Set(numbers.values());
  expect(sens.requests.every((req) => allowed.has(req.body.messages[0].to))).toBe(true);
  expect(output).not.toContain('"level":"error"');
});
