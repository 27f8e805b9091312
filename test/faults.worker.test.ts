import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Op } from 'sequelize';
import { sendingLeaseMs } from '../src/alarms/sms-claims';
import { runSmsOutbox } from '../src/alarms/sms-outbox';
import { reminderText } from '../src/alarms/texts';
import { bootstrap, type Runtime } from '../src/bootstrap';
import { loadConfig, type Config } from '../src/config';
import { Alarm, Applier } from '../src/db/models';
import { createPhoneCipher } from '../src/lib/phone-cipher';
import { kstDate, kstTime } from '../src/lib/time';
import { createWorkerDeps } from '../src/jobs/deps';
import { createSmsSender } from '../src/sms';
import { makeGroupRow } from './support/comments';
import { until } from './support/faults';
import { dropMysqlDatabase, recreateMysqlDatabase, scratchDatabaseUrl } from './support/database';
import { REPO_ROOT } from './support/test-env';
import { FakeSens, randomMobile, makeUser } from './support/users';

/**
 * The worker killed with SIGKILL in the middle of sending a batch of texts, then started again.
 * It runs as its own process on a database of its own (a scratch MariaDB database in the
 * MariaDB run, an embedded one otherwise), texting a fake SENS on loopback that records every
 * message it accepts. What the outbox promises (src/alarms/sms-outbox.ts): every due alarm is
 * written once; a row is claimed only for the SENS call in flight, and its outcome recorded as
 * soon as SENS answers, so a text SENS accepted is never sent again, and one whose call the kill
 * cut short goes back to pending once its lease is over and is sent then.
 */
jest.setTimeout(120_000);

const RUNS = 12;
const RUNNERS_PER_RUN = 7; // plus the host; all consenting
const SENS_DELAY_MS = 40;
const CONCURRENCY = 4;
/** Texts the fake SENS accepts before it holds every further call open, unanswered. */
const ACCEPTED_BEFORE_KILL = 10;
/**
 * The longest SENS call (the setting's maximum): a held call must not time out while the test
 * waits for every lane to hold one (after a timeout a lane would take the next text, held too).
 */
const SMS_TIMEOUT_MS = 60_000;

const suffix = crypto.randomBytes(4).toString('hex');
const dataDir = path.join(
  process.env.TEST_DATA_DIR ?? path.join(REPO_ROOT, 'data', 'test'),
  `faults-worker-${suffix}`,
);
/** The MariaDB run's scratch database; the embedded run's is the SQLite file in `dataDir`. */
const scratchUrl = process.env.TEST_DB_URL
  ? scratchDatabaseUrl(process.env.TEST_DB_URL, 'faults_worker')
  : '';

let sens: FakeSens;
let runtime: Runtime | undefined;
let config: Config;
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
        DB_URL: scratchUrl,
        REDIS_URL: '',
        DATA_DIR: dataDir,
        DB_MIGRATE_ON_START: 'false',
        WORKER_TICK_SECONDS: '1',
        WORKER_SMS_CONCURRENCY: String(CONCURRENCY),
        SMS_TIMEOUT_MS: String(SMS_TIMEOUT_MS),
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
  if (scratchUrl) await recreateMysqlDatabase(scratchUrl);
  config = loadConfig({ ...process.env, DB_URL: scratchUrl, REDIS_URL: '', DATA_DIR: dataDir });
  runtime = await bootstrap(config, { migrate: true });
});

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await exited(child);
  }
  await runtime?.close();
  await sens?.close();
  if (scratchUrl) await dropMysqlDatabase(scratchUrl);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

it('Killed mid-batch and started again, the worker texts every applicant exactly once and records it', async () => {
  // Runs that all met their start-reminder time a minute ago: the worker's first scan (which
  // looks back up to WORKER_MAX_LATENESS_MINUTES) finds them all however long seeding and
  // start-up take, and queues one large batch of texts.
  const meeting = new Date(Date.now() + 29 * 60_000);
  const cipher = createPhoneCipher(config.phone);
  const numbers = new Map<string, string>(); // userId → mobile
  const textable = async () => {
    const phone = randomMobile();
    const user = await makeUser({ phone: cipher.encrypt(phone), agreeSMS: true });
    numbers.set(user.userId, phone);
    return user;
  };
  const groupIds: string[] = [];
  const refusers = new Set<string>();
  for (let r = 0; r < RUNS; r += 1) {
    const host = await textable();
    const group = await makeGroupRow(host, {
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
    const refuser = await makeUser({ phone: cipher.encrypt(randomMobile()), agreeSMS: false });
    refusers.add(refuser.userId);
    await Applier.create({ groupId: group.groupId, userId: refuser.userId } as Applier);
  }
  const consenting = RUNS * (RUNNERS_PER_RUN + 1);
  const startAlarms = () =>
    Alarm.findAll({ where: { groupId: { [Op.in]: groupIds }, category: 'start' } });
  const inState = async (state: string) =>
    (await startAlarms()).filter((a) => a.smsStatus === state).length;
  // A wait that times out says where SENS, the texts and the worker were.
  const saying = async (err: unknown): Promise<never> => {
    const states: Record<string, number> = {};
    for (const alarm of await startAlarms()) {
      const state = String(alarm.smsStatus);
      states[state] = (states[state] ?? 0) + 1;
    }
    throw new Error(
      `${(err as Error).message}: SENS answered ${sens.requests.length} and holds ${sens.held}; ` +
        `texts ${JSON.stringify(states)}; the worker said: ${output.slice(-3000)}`,
    );
  };

  // SENS accepts the first texts, then leaves every lane waiting on a call it never answers:
  // the worker is killed with texts accepted and recorded, calls in flight, and texts not
  // started, all at known counts.
  sens.answerLimit = ACCEPTED_BEFORE_KILL;
  child = startWorker();
  await until(
    'every lane to wait on SENS with the accepted texts recorded',
    async () => sens.held === CONCURRENCY && (await inState('sent')) === ACCEPTED_BEFORE_KILL,
    60_000,
  ).catch(saying);
  // Claimed rows are exactly the calls in flight: the rest of the batch is still pending.
  expect(await inState('sending')).toBe(CONCURRENCY);
  child.kill('SIGKILL');
  await exited(child);
  sens.answerLimit = Infinity;

  // Started again on the same database: it sends what was never started.
  child = startWorker();
  await until(
    'the restarted worker to send every pending text',
    async () => (await inState('pending')) === 0,
    60_000,
  ).catch(saying);
  child.kill('SIGTERM');
  await exited(child);

  // A tick once the killed worker's lease is over: the calls it never saw answered go again.
  const sms = createSmsSender(
    { sms: { sens: sens.settings(), timeoutMs: SMS_TIMEOUT_MS }, production: false },
    runtime!.logger,
  );
  const deps = createWorkerDeps(runtime!, { sms, smsTimeoutMs: SMS_TIMEOUT_MS });
  const later = new Date(Date.now() + sendingLeaseMs(deps) + 1000);
  expect(await runSmsOutbox(deps, { now: later })).toMatchObject({ sent: CONCURRENCY, failed: 0 });

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

  // What SENS accepted, per recipient and text (a recipient is in one run only).
  const accepted = new Map<string, string[]>();
  for (const req of sens.requests) {
    const key = `${req.body.messages[0].to}\n${req.body.content}`;
    accepted.set(key, [...(accepted.get(key) ?? []), req.body.type]);
  }
  expect(sens.requests).toHaveLength(consenting);
  for (const alarm of starts) {
    if (refusers.has(alarm.userId)) {
      expect(alarm.smsStatus).toBe('skipped');
      continue;
    }
    const key = `${numbers.get(alarm.userId)}\n${reminderText(alarm, config.worker.spaUrl)}`;
    const types = accepted.get(key) ?? [];
    // Exactly one text, recorded as sent with what SENS accepted: 1 SMS, 2 LMS.
    expect({ alarm: alarm.alarmId, status: alarm.smsStatus, texts: types.length }).toEqual({
      alarm: alarm.alarmId,
      status: 'sent',
      texts: 1,
    });
    expect(alarm.sendPhone).toBe(types[0] === 'LMS' ? 2 : 1);
  }
  // No text went to anyone who did not agree, nor to anyone outside these runs.
  const allowed = new Set(numbers.values());
  expect(sens.requests.every((req) => allowed.has(req.body.messages[0].to))).toBe(true);
  expect(output).not.toContain('"level":"error"');
});
