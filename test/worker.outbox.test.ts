import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Alarm, User, type Group } from '../src/db/models';
import { ALARM_CAP } from '../src/alarms/alarms.service';
import { sendingLeaseMs } from '../src/alarms/sms-claims';
import { isRetryable, runSmsOutbox } from '../src/alarms/sms-outbox';
import { reminderText } from '../src/alarms/texts';
import { runDdayReminders } from '../src/jobs/dday';
import type { WorkerDeps } from '../src/jobs/deps';
import { runEndReminders } from '../src/jobs/end';
import { runPrune } from '../src/jobs/prune';
import { startScheduler } from '../src/jobs/scheduler';
import { runStartReminders } from '../src/jobs/start';
import { createSmsSender, sensSignature, SmsError } from '../src/sms';
import { useTestContext, type TestContext } from './support/context';
import {
  addMs,
  alarmsOf,
  calendar,
  capturingLogger,
  FakeSms,
  kst,
  runWith,
  textableUser,
  workerDeps,
} from './support/worker';
import { makeUser } from './support/users';

const MIN = 60_000;
const SPA = 'https://spa.example.test';

let ctx: TestContext;
// Far from every other test file's runs; the reminder tests use 2045 and later.
const days = calendar('2041-01-01');

// On a database of its own: its outbox runs must not drop, nor be dropped by, another file's
// queued texts.
useTestContext(
  (c) => {
    ctx = c;
  },
  { ownDatabase: true },
);

function depsWith(
  sms: FakeSms | WorkerDeps['sms'] = new FakeSms(),
  extra: Partial<WorkerDeps> = {},
) {
  return workerDeps(
    ctx,
    {
      spaUrl: SPA,
      maxLatenessMs: 15 * MIN,
      smsMaxAttempts: 3,
      smsBackoffMs: 30_000,
      smsConcurrency: 4,
    },
    { sms, ...extra },
  );
}

const tick = (now: Date) => ({ now, since: addMs(now, -30_000) });

/** A run whose start reminder is due at 18:30 on `date`, written by the start job. */
async function startAlarms(deps: WorkerDeps, host: User, runners: User[], title?: string) {
  const date = days.day();
  const group = await runWith(host, runners, {
    date,
    standbyTime: '19:00:00',
    ...(title ? { title } : {}),
  });
  const now = kst(date, '18:30:00');
  await runStartReminders(deps, tick(now));
  return { group, now };
}

const byUser = async (group: Group) => new Map((await alarmsOf(group)).map((a) => [a.userId, a]));

describe('Texts', () => {
  it('Each category and role has the original text, with links to the configured SPA', () => {
    const base = { nickname: '달리기', groupTitle: '한강 10k', groupId: 'g-1' };
    const text = (category: string, role: string) => reminderText({ ...base, category, role }, SPA);
    expect(text('Dday', 'host')).toBe('달리기님 오늘은[한강 10k]러닝이 있습니다');
    expect(text('Dday', 'attendance')).toBe('달리기님 오늘은[한강 10k]러닝이 있습니다');
    expect(text('start', 'host')).toBe(
      `달리기님 30분 뒤 [한강 10k]러닝이 시작합니다. 출석체크를 해주세요. \n 링크: ${SPA}/check/g-1`,
    );
    expect(text('start', 'attendance')).toBe('달리기님 30분 뒤 [한강 10k]러닝이 시작합니다.');
    expect(text('end', 'host')).toBe(
      '달리기님 [한강 10k] 러닝은 어떠셨나요? 당신은 멋진 크루장입니다!',
    );
    expect(text('end', 'attendance')).toBe(
      `달리기님 [한강 10k]러닝은 어떠셨나요? 크루장평가를 해주세요. \n 링크: ${SPA}/evaluation/g-1`,
    );
  });

  it('Emoji, which carriers cannot carry, are left out of the names in a text (not the alarm)', () => {
    expect(
      reminderText(
        {
          category: 'Dday',
          role: 'host',
          nickname: '러너🏃‍♀️',
          groupTitle: '한강 ❤️ 런',
          groupId: 'g',
        },
        SPA,
      ),
    ).toBe('러너님 오늘은[한강  런]러닝이 있습니다');
  });

  it('The default links point at https://www.erunjrun.com', () => {
    expect(ctx.config.worker.spaUrl).toBe('https://www.erunjrun.com');
  });
});

describe('Sending', () => {
  it('Short texts go as SMS (sendPhone 1), texts with a link or of 80 bytes or more as LMS (sendPhone 2)', async () => {
    const sms = new FakeSms();
    const deps = depsWith(sms);
    const host = await textableUser(ctx);
    const runner = await textableUser(ctx);
    const { group, now } = await startAlarms(deps, host, [runner]);

    expect(await runSmsOutbox(deps, { now })).toMatchObject({ sent: 2, failed: 0 });
    const alarms = await byUser(group);
    expect(alarms.get(host.userId)).toMatchObject({ smsStatus: 'sent', sendPhone: 2 });
    expect(alarms.get(runner.userId)).toMatchObject({ smsStatus: 'sent', sendPhone: 1 });
    expect(sms.to(host.number)).toEqual([
      {
        to: host.number,
        content: `${host.nickname}님 30분 뒤 [${group.title}]러닝이 시작합니다. 출석체크를 해주세요. \n 링크: ${SPA}/check/${group.groupId}`,
      },
    ]);
    expect(sms.to(runner.number)).toEqual([
      {
        to: runner.number,
        content: `${runner.nickname}님 30분 뒤 [${group.title}]러닝이 시작합니다.`,
      },
    ]);

    // A long title tips the runner's start text over 80 bytes.
    const long = await textableUser(ctx);
    const longRun = await startAlarms(
      deps,
      await makeUser(),
      [long],
      '서울숲에서 성수동까지 함께 달려요 초보 환영',
    );
    await runSmsOutbox(deps, { now: longRun.now });
    expect((await byUser(longRun.group)).get(long.userId)).toMatchObject({
      smsStatus: 'sent',
      sendPhone: 2,
    });
  });

  it('D-day and end texts reach the right people with the right texts', async () => {
    const sms = new FakeSms();
    const deps = depsWith(sms);
    const host = await textableUser(ctx);
    const runner = await textableUser(ctx);
    const date = days.day();
    const group = await runWith(host, [runner], { date, standbyTime: '19:00:00' });
    await runDdayReminders(deps, tick(kst(date, '08:00:00')));
    await runSmsOutbox(deps, { now: kst(date, '08:00:00') });
    await runEndReminders(deps, tick(kst(date, '20:00:00')));
    await runSmsOutbox(deps, { now: kst(date, '20:00:00') });
    expect(sms.to(host.number).map((c) => c.content)).toEqual([
      `${host.nickname}님 오늘은[${group.title}]러닝이 있습니다`,
      `${host.nickname}님 [${group.title}] 러닝은 어떠셨나요? 당신은 멋진 크루장입니다!`,
    ]);
    expect(sms.to(runner.number).map((c) => c.content)).toEqual([
      `${runner.nickname}님 오늘은[${group.title}]러닝이 있습니다`,
      `${runner.nickname}님 [${group.title}]러닝은 어떠셨나요? 크루장평가를 해주세요. \n 링크: ${SPA}/evaluation/${group.groupId}`,
    ]);
  });

  it('Users without consent or a number are not texted; consent withdrawn after the alarm is respected', async () => {
    const sms = new FakeSms();
    const deps = depsWith(sms);
    const host = await textableUser(ctx);
    const noConsent = await textableUser(ctx, undefined, { agreeSMS: false });
    const withdraws = await textableUser(ctx);
    const { group, now } = await startAlarms(deps, host, [noConsent, withdraws]);
    await User.update({ agreeSMS: false }, { where: { userId: withdraws.userId } });

    await runSmsOutbox(deps, { now });
    expect(sms.to(noConsent.number, withdraws.number)).toEqual([]);
    const alarms = await byUser(group);
    expect(alarms.get(noConsent.userId)).toMatchObject({ smsStatus: 'skipped', sendPhone: 0 });
    expect(alarms.get(withdraws.userId)).toMatchObject({
      smsStatus: 'skipped',
      smsError: 'no SMS consent',
      sendPhone: 0,
    });
    expect(alarms.get(host.userId)).toMatchObject({ smsStatus: 'sent' });
  });

  it('One bad row (an unreadable number, a refused text) is logged and skipped; the others go out', async () => {
    const sms = new FakeSms();
    const deps = depsWith(sms);
    const host = await textableUser(ctx);
    const unreadable = await textableUser(ctx);
    const refused = await textableUser(ctx);
    const fine = await textableUser(ctx);
    const { group, now } = await startAlarms(deps, host, [unreadable, refused, fine]);
    await User.update({ phone: 'v1:garbage' }, { where: { userId: unreadable.userId } });
    sms.fail = (m) => (m.to === refused.number ? new SmsError('bad number', 400) : null);

    expect(await runSmsOutbox(deps, { now })).toMatchObject({ sent: 2, failed: 1, skipped: 1 });
    const alarms = await byUser(group);
    expect(alarms.get(unreadable.userId)).toMatchObject({
      smsStatus: 'skipped',
      smsError: 'stored phone number cannot be read',
    });
    expect(alarms.get(refused.userId)).toMatchObject({
      smsStatus: 'failed',
      smsAttempts: 1,
      sendPhone: 0,
    });
    expect(alarms.get(fine.userId)).toMatchObject({ smsStatus: 'sent', sendPhone: 1 });
    expect(alarms.get(host.userId)).toMatchObject({ smsStatus: 'sent', sendPhone: 2 });
  });

  it('Phone numbers never reach the log', async () => {
    const { logger, lines } = capturingLogger();
    const sms = new FakeSms();
    const deps = depsWith(sms, { logger });
    const host = await textableUser(ctx);
    const runner = await textableUser(ctx);
    const { now } = await startAlarms(deps, host, [runner]);
    sms.fail = (m) => (m.to === runner.number ? new SmsError('unavailable', 503) : null);
    await runSmsOutbox(deps, { now });
    expect(lines.length).toBeGreaterThan(0);
    for (const number of [host.number, runner.number]) {
      expect(lines.join('\n')).not.toContain(number);
      expect(lines.join('\n')).not.toContain(number.slice(3));
    }
  });

  it('With SENS not configured the text is only logged and sendPhone stays 0', async () => {
    const deps = depsWith(
      createSmsSender({ sms: { sens: null, timeoutMs: 1000 }, production: false }, ctx.logger),
    );
    const host = await textableUser(ctx);
    const { group, now } = await startAlarms(deps, host, []);
    await runSmsOutbox(deps, { now });
    expect((await byUser(group)).get(host.userId)).toMatchObject({
      smsStatus: 'skipped',
      sendPhone: 0,
    });
  });
});

describe('Retries', () => {
  it('A failure SENS certainly did not take is retried with doubling backoff, then given up', async () => {
    const sms = new FakeSms();
    sms.fail = () => new SmsError('SENS did not accept the message (503)', 503);
    const deps = depsWith(sms);
    const host = await textableUser(ctx);
    const { group, now } = await startAlarms(deps, host, []);
    const row = async () => (await byUser(group)).get(host.userId) as Alarm;

    expect(await runSmsOutbox(deps, { now })).toMatchObject({ retried: 1 });
    expect(await row()).toMatchObject({ smsStatus: 'pending', smsAttempts: 1, sendPhone: 0 });
    expect((await row()).smsNextAttemptAt).toEqual(addMs(now, 30_000));

    // Not before its time.
    await runSmsOutbox(deps, { now: addMs(now, 29_000) });
    expect(sms.to(host.number)).toHaveLength(1);

    await runSmsOutbox(deps, { now: addMs(now, 30_000) });
    expect(await row()).toMatchObject({ smsStatus: 'pending', smsAttempts: 2 });
    expect((await row()).smsNextAttemptAt).toEqual(addMs(now, 90_000));

    expect(await runSmsOutbox(deps, { now: addMs(now, 90_000) })).toMatchObject({ failed: 1 });
    expect(await row()).toMatchObject({
      smsStatus: 'failed',
      smsAttempts: 3,
      sendPhone: 0,
      smsError: 'SENS did not accept the message (503)',
    });
    await runSmsOutbox(deps, { now: addMs(now, 10 * MIN) });
    expect(sms.to(host.number)).toHaveLength(3);
  });

  it('A retry that succeeds records what was sent', async () => {
    const sms = new FakeSms();
    let failures = 1;
    sms.fail = () => (failures-- > 0 ? new SmsError('connect ECONNREFUSED') : null);
    const deps = depsWith(sms);
    const runner = await textableUser(ctx);
    const { group, now } = await startAlarms(deps, await makeUser(), [runner]);
    await runSmsOutbox(deps, { now });
    await runSmsOutbox(deps, { now: addMs(now, 30_000) });
    expect((await byUser(group)).get(runner.userId)).toMatchObject({
      smsStatus: 'sent',
      smsAttempts: 2,
      sendPhone: 1,
      smsError: null,
    });
  });

  it('A timeout is given up at once: SENS may have taken the text, and a retry could send it twice', async () => {
    const sms = new FakeSms();
    sms.fail = () => new SmsError('SENS did not accept the message (ECONNABORTED)');
    const deps = depsWith(sms);
    const host = await textableUser(ctx);
    const { group, now } = await startAlarms(deps, host, []);
    await runSmsOutbox(deps, { now });
    await runSmsOutbox(deps, { now: addMs(now, 5 * MIN) });
    expect(sms.to(host.number)).toHaveLength(1);
    expect((await byUser(group)).get(host.userId)).toMatchObject({ smsStatus: 'failed' });
  });

  it('Which failures are retried', () => {
    expect(isRetryable(new SmsError('x (503)', 503))).toBe(true);
    expect(isRetryable(new SmsError('x (429)', 429))).toBe(true);
    expect(isRetryable(new SmsError('x (ENOTFOUND)'))).toBe(true);
    expect(isRetryable(new SmsError('x (504)', 504))).toBe(false);
    expect(isRetryable(new SmsError('x (401)', 401))).toBe(false);
    expect(isRetryable(new SmsError('x (ECONNRESET)'))).toBe(false);
    expect(isRetryable(new Error('bug'))).toBe(false);
  });

  it('A text not out within the maximum lateness of its alarm is dropped, not sent late', async () => {
    const sms = new FakeSms();
    const deps = depsWith(sms);
    const host = await textableUser(ctx);
    const { group, now } = await startAlarms(deps, host, []);
    await runSmsOutbox(deps, { now: addMs(now, 16 * MIN) });
    expect(sms.to(host.number)).toEqual([]);
    expect((await byUser(group)).get(host.userId)).toMatchObject({
      smsStatus: 'skipped',
      smsError: 'too late to send',
    });
  });
});

/** `count` texted runners of one run, and a sender taking `delayMs` a text on a single lane. */
async function slowBurst(count: number, delayMs: number) {
  const sms = new FakeSms();
  sms.delayMs = delayMs;
  const deps = workerDeps(
    ctx,
    { spaUrl: SPA, maxLatenessMs: 15 * MIN, smsConcurrency: 1 },
    { sms },
  );
  const runners = [];
  for (let i = 0; i < count; i += 1) runners.push(await textableUser(ctx));
  const { group, now } = await startAlarms(deps, await makeUser(), runners);
  return { sms, deps, group, now, numbers: runners.map((r) => r.number) };
}

describe('Bursts', () => {
  it('Within a tick the sender yields after its time budget, and the next run goes on with the rest', async () => {
    const { sms, deps, now, numbers } = await slowBurst(8, 50);

    // One lane, 50 ms a text: eight texts cannot all go within 100 ms.
    const first = await runSmsOutbox(deps, { now, budgetMs: 100 });
    expect(first).toMatchObject({ unfinished: true });
    expect(first.sent).toBeLessThan(8);
    const rest = await runSmsOutbox(deps, { now: addMs(now, 1000) });
    expect(rest).toMatchObject({ sent: 8 - first.sent, unfinished: false });
    for (const number of numbers) expect(sms.to(number)).toHaveLength(1);
  });
});

describe('Stopping', () => {
  it('Asked to stop mid-send, the scheduler lets the text in flight finish and claims no more', async () => {
    const { sms, deps, group, now, numbers } = await slowBurst(12, 100);

    const scheduler = startScheduler(deps, () => now);
    while (sms.calls.length === 0) await new Promise((r) => setTimeout(r, 10));
    await scheduler.stop();

    const states = (await alarmsOf(group)).map((a) => a.smsStatus);
    // One lane: the text under way was sent and recorded, nothing after it.
    expect(sms.to(...numbers)).toHaveLength(1);
    expect(states.filter((x) => x === 'sent')).toHaveLength(1);
    expect(states.filter((x) => x === 'pending')).toHaveLength(11);
    expect(states).not.toContain('sending');
  });
});

describe('Never twice', () => {
  it('Two senders running at once over the same rows send each text exactly once', async () => {
    const sms = new FakeSms();
    sms.delayMs = 20;
    const deps = depsWith(sms);
    const runners = [];
    for (let i = 0; i < 8; i += 1) runners.push(await textableUser(ctx));
    const { group, now } = await startAlarms(deps, await makeUser(), runners);

    const other = depsWith(sms);
    const [a, b] = await Promise.all([
      runSmsOutbox(deps, { now }),
      runSmsOutbox(other, { now: addMs(now, 1000) }),
    ]);
    expect(a.sent + b.sent).toBe(8);
    for (const runner of runners) expect(sms.to(runner.number)).toHaveLength(1);
    const alarms = await alarmsOf(group);
    expect(alarms.filter((x) => x.smsStatus === 'sent')).toHaveLength(8);
    // Done: a third run finds nothing to send.
    await runSmsOutbox(deps, { now: addMs(now, 2000) });
    expect(sms.to(...runners.map((r) => r.number))).toHaveLength(8);
  });

  it('No more rows are claimed than there are texts in flight', async () => {
    const fake = new FakeSms();
    fake.delayMs = 20;
    const inFlight: number[] = [];
    const run = { groupId: '' };
    // SENS as the outbox sees it, noting at each call how many of the run's rows are claimed.
    const sms: WorkerDeps['sms'] = {
      kind: 'sens',
      send: async (message) => {
        const where = { groupId: run.groupId, smsStatus: 'sending' };
        inFlight.push(await Alarm.count({ where }));
        return fake.send(message);
      },
    };
    const deps = workerDeps(
      ctx,
      { spaUrl: SPA, maxLatenessMs: 15 * MIN, smsConcurrency: 2 },
      { sms },
    );
    const runners = [];
    for (let i = 0; i < 9; i += 1) runners.push(await textableUser(ctx));
    const started = await startAlarms(deps, await makeUser(), runners);
    run.groupId = started.group.groupId;

    expect(await runSmsOutbox(deps, { now: started.now })).toMatchObject({ sent: 9 });
    expect(inFlight).toHaveLength(9);
    expect(Math.max(...inFlight)).toBeLessThanOrEqual(2);
  });

  it('A row left "sending" by a worker that died mid-call is sent again once its lease is over, once', async () => {
    const sms = new FakeSms();
    const deps = depsWith(sms);
    const host = await textableUser(ctx);
    const { group, now } = await startAlarms(deps, host, []);
    await Alarm.update(
      { smsStatus: 'sending', smsClaimedAt: now, smsAttempts: 1 },
      { where: { groupId: group.groupId } },
    );
    // Within the lease its worker may still be waiting for SENS: left alone.
    await runSmsOutbox(deps, { now: addMs(now, sendingLeaseMs(deps) - 1000) });
    expect((await byUser(group)).get(host.userId)).toMatchObject({ smsStatus: 'sending' });
    expect(sms.to(host.number)).toEqual([]);

    const after = addMs(now, sendingLeaseMs(deps) + 1000);
    expect(await runSmsOutbox(deps, { now: after })).toMatchObject({ sent: 1, failed: 0 });
    expect((await byUser(group)).get(host.userId)).toMatchObject({
      smsStatus: 'sent',
      smsAttempts: 2,
      sendPhone: 2,
      smsError: null,
    });
    await runSmsOutbox(deps, { now: addMs(after, MIN) });
    expect(sms.to(host.number)).toHaveLength(1);
  });

  it('A row interrupted on its last allowed attempt is given up after its lease, not sent', async () => {
    const sms = new FakeSms();
    const deps = depsWith(sms);
    const host = await textableUser(ctx);
    const { group, now } = await startAlarms(deps, host, []);
    await Alarm.update(
      { smsStatus: 'sending', smsClaimedAt: now, smsAttempts: 3 },
      { where: { groupId: group.groupId } },
    );
    await runSmsOutbox(deps, { now: addMs(now, sendingLeaseMs(deps) + 1000) });
    expect((await byUser(group)).get(host.userId)).toMatchObject({
      smsStatus: 'failed',
      smsError: 'interrupted while sending; attempts used up',
    });
    expect(sms.to(host.number)).toEqual([]);
  });
});

describe('Through the SENS sender, against a fake SENS on loopback', () => {
  let server: http.Server;
  let url: string;
  const requests: Array<{ path: string; headers: http.IncomingHttpHeaders; body: unknown }> = [];
  let answers: number[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk) => (raw += chunk));
      req.on('end', () => {
        requests.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(raw) });
        const status = answers.shift() ?? 202;
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ requestId: 'r-1', statusCode: String(status) }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('A 500 is retried, the signed request then goes through and the LMS is recorded', async () => {
    const sens = {
      baseUrl: url,
      serviceId: 'ncp:sms:kr:1:erunjrun',
      accessKey: 'access-key',
      secretKey: 'secret-key',
      from: '0212345678',
    };
    const deps = depsWith(
      createSmsSender({ sms: { sens, timeoutMs: 2000 }, production: false }, ctx.logger),
    );
    const host = await textableUser(ctx);
    const { group, now } = await startAlarms(deps, host, []);
    answers = [500];

    await runSmsOutbox(deps, { now });
    await runSmsOutbox(deps, { now: addMs(now, 30_000) });
    expect((await byUser(group)).get(host.userId)).toMatchObject({
      smsStatus: 'sent',
      smsAttempts: 2,
      sendPhone: 2,
    });
    const mine = requests.filter(
      (r) => (r.body as { messages: Array<{ to: string }> }).messages[0].to === host.number,
    );
    expect(mine).toHaveLength(2);
    const { path, headers, body } = mine[1];
    expect(path).toBe('/sms/v2/services/ncp:sms:kr:1:erunjrun/messages');
    expect(body).toEqual({
      type: 'LMS',
      countryCode: '82',
      from: '0212345678',
      content: `${host.nickname}님 30분 뒤 [${group.title}]러닝이 시작합니다. 출석체크를 해주세요. \n 링크: ${SPA}/check/${group.groupId}`,
      messages: [{ to: host.number }],
    });
    expect(headers['x-ncp-iam-access-key']).toBe('access-key');
    expect(headers['x-ncp-apigw-signature-v2']).toBe(
      sensSignature(sens, 'POST', path, String(headers['x-ncp-apigw-timestamp'])),
    );
  });
});

describe('Pruning', () => {
  it('Users over the cap keep their newest alarms only', async () => {
    const user = await makeUser();
    const start = kst(days.day(), '00:00:00');
    await Alarm.bulkCreate(
      Array.from({ length: ALARM_CAP + 5 }, (_, i) => ({
        userId: user.userId,
        category: 'comment',
        createdAt: addMs(start, i * 1000),
      })),
    );
    const under = await makeUser();
    await Alarm.bulkCreate([{ userId: under.userId, category: 'comment', createdAt: start }]);

    const result = await runPrune(depsWith(), { now: start });
    expect(result.users).toBeGreaterThanOrEqual(1);
    const kept = await Alarm.findAll({
      where: { userId: user.userId },
      order: [['createdAt', 'ASC']],
    });
    expect(kept).toHaveLength(ALARM_CAP);
    expect(kept[0].createdAt).toEqual(addMs(start, 5000));
    expect(await Alarm.count({ where: { userId: under.userId } })).toBe(1);
  });
});
