import { runSmsOutbox } from '../src/alarms/sms-outbox';
import { startScheduler } from '../src/jobs/scheduler';
import { runStartReminders } from '../src/jobs/start';
import { workerMetricsOf } from '../src/jobs/metrics';
import { SmsError } from '../src/sms';
import { useTestContext, type TestContext } from './support/context';
import * as support from './support/worker';

/**
 * The worker's metrics after its jobs run: alarms found due, texts by outcome, the outbox
 * backlog, and the scheduler's tick lag and last tick. The jobs are called directly with a
 * fixed `now`, on a stretch of calendar no other file uses.
 */
let ctx: TestContext;
const days = support.calendar('2043-01-01');

// On a database of its own: its outbox runs must not drop, nor be dropped by, another file's
// queued texts.
useTestContext(
  (c) => {
    ctx = c;
  },
  { ownDatabase: true },
);

/** The current value of a metric's series with these labels (0 when it has none yet). */
async function value(
  metric: { get(): Promise<{ values: Array<{ labels: object; value: number }> }> },
  labels: Record<string, string> = {},
) {
  const { values } = await metric.get();
  return values.find((v) => JSON.stringify(v.labels) === JSON.stringify(labels))?.value ?? 0;
}

it('Counts the alarms a scan found due and the texts by outcome; the backlog is what is still pending', async () => {
  const metrics = workerMetricsOf(ctx.metrics.registry);
  const sms = new support.FakeSms();
  const deps = support.workerDeps(ctx, { smsMaxAttempts: 3, smsBackoffMs: 30_000 }, { sms });
  const host = await support.textableUser(ctx);
  const retried = await support.textableUser(ctx);
  const refused = await support.textableUser(ctx);
  const date = days.day();
  const group = await support.runWith(host, [retried, refused], { date, standbyTime: '19:00:00' });
  const now = support.kst(date, '18:30:00');

  const dueBefore = await value(metrics.alarmsDue, { category: 'start' });
  await runStartReminders(deps, { now, since: support.addMs(now, -30_000) });
  expect(await value(metrics.alarmsDue, { category: 'start' })).toBe(dueBefore + 3);
  expect(await support.alarmsOf(group, 'start')).toHaveLength(3);

  // SENS is busy for one (tried again later) and refuses another (given up).
  sms.fail = (message) =>
    message.to === retried.number
      ? new SmsError('busy', 503)
      : message.to === refused.number
        ? new SmsError('refused', 400)
        : null;
  const before = {
    sent: await value(metrics.texts, { outcome: 'sent' }),
    retried: await value(metrics.texts, { outcome: 'retried' }),
    failed: await value(metrics.texts, { outcome: 'failed' }),
  };
  expect(await runSmsOutbox(deps, { now })).toMatchObject({ sent: 1, retried: 1, failed: 1 });
  expect(await value(metrics.texts, { outcome: 'sent' })).toBe(before.sent + 1);
  expect(await value(metrics.texts, { outcome: 'retried' })).toBe(before.retried + 1);
  expect(await value(metrics.texts, { outcome: 'failed' })).toBe(before.failed + 1);

  // The retried text waits in the outbox: the backlog, read after the run, includes it (other
  // files' pending rows may be counted too: the table is shared).
  const states = (await support.alarmsOf(group, 'start')).map((alarm) => alarm.smsStatus).sort();
  expect(states).toEqual(['failed', 'pending', 'sent']);
  expect(await value(metrics.outboxPending)).toBeGreaterThanOrEqual(1);
});

it('Records how late a tick started, when it finished and how long it took', async () => {
  const metrics = workerMetricsOf(ctx.metrics.registry);
  // Long before every other file's runs and scan marks: this tick finds nothing to do.
  const planned = new Date('2001-03-04T05:06:00Z').getTime();
  const started = planned + 2_500;
  let calls = 0;
  // The scheduler plans its first tick on its first reading of the clock; the tick itself
  // starts two and a half seconds later.
  const clock = () => new Date((calls += 1) === 1 ? planned : started);
  const ticks = async () =>
    (await metrics.tickDuration.get()).values.find(
      (v) => v.metricName === 'erunjrun_worker_tick_duration_seconds_count',
    )?.value ?? 0;
  const ticksBefore = await ticks();

  const scheduler = startScheduler(
    support.workerDeps(ctx, {}, { sms: new support.FakeSms() }),
    clock,
  );
  while (scheduler.lastTickAt() === null) await new Promise((r) => setTimeout(r, 10));
  await scheduler.stop();

  expect(await value(metrics.tickLag)).toBe(2.5);
  expect(await value(metrics.lastTick)).toBe(started / 1000);
  expect(await ticks()).toBe(ticksBefore + 1);
});
