import { createAlarms } from '../src/alarms/alarms.service';
import { Alarm, Applier, type Group, User } from '../src/db/models';
import { endsAt } from '../src/groups/reminders';
import { runDdayReminders } from '../src/jobs/dday';
import type { WorkerDeps } from '../src/jobs/deps';
import { runEndReminders } from '../src/jobs/end';
import { runReminderScan } from '../src/jobs/scheduler';
import { runStartReminders } from '../src/jobs/start';
import { useTestContext, type TestContext } from './support/context';
import {
  addMs,
  alarmsOf,
  calendar,
  makeGroupRow,
  kst,
  runWith,
  textableUser,
  workerDeps,
} from './support/worker';
import { makeUser } from './support/users';

const MIN = 60_000;

let ctx: TestContext;
let deps: WorkerDeps;
// Far from every other test file's runs; the outbox tests use 2041.
const days = calendar('2045-01-01');

useTestContext((c) => {
  ctx = c;
  deps = workerDeps(ctx, { tickMs: 30_000, maxLatenessMs: 15 * MIN, ddayHour: 8 });
});

/** One steady tick: the window is the 30 seconds before `now`. */
const tick = (now: Date) => ({ now, since: addMs(now, -30_000) });

const recipients = (alarms: Alarm[]) =>
  alarms
    .map((a) => ({ userId: a.userId, role: a.role, nickname: a.nickname }))
    .sort((a, b) => a.userId.localeCompare(b.userId));

const expected = (host: User, runners: User[]) =>
  [
    { userId: host.userId, role: 'host', nickname: host.nickname },
    ...runners.map((r) => ({ userId: r.userId, role: 'attendance', nickname: r.nickname })),
  ].sort((a, b) => a.userId.localeCompare(b.userId));

describe('D-day reminder', () => {
  it('At 08:00 Korea time on the day, every applicant of the run gets a Dday alarm, the host as host', async () => {
    const date = days.day();
    const [host, a, b] = [await makeUser(), await makeUser(), await makeUser()];
    const group = await runWith(host, [a, b], { date, standbyTime: '19:00:00' });
    const other = await makeUser();
    const otherDay = await runWith(other, [], { date: days.day(), standbyTime: '19:00:00' });

    expect((await runDdayReminders(deps, tick(kst(date, '07:59:59')))).groups).toBe(0);
    expect(await alarmsOf(group)).toEqual([]);

    const result = await runDdayReminders(deps, tick(kst(date, '08:00:00')));
    expect(result).toMatchObject({ category: 'Dday', groups: 1, alarms: 3 });
    const alarms = await alarmsOf(group, 'Dday');
    expect(recipients(alarms)).toEqual(expected(host, [a, b]));
    for (const alarm of alarms) {
      expect(alarm).toMatchObject({
        category: 'Dday',
        groupId: group.groupId,
        groupTitle: group.title,
        check: false,
        sendPhone: 0,
        dedupeKey: `Dday/${group.groupId}/${alarm.userId}`,
      });
      expect(alarm.createdAt.getTime()).toBe(kst(date, '08:00:00').getTime());
    }
    expect(await alarmsOf(otherDay)).toEqual([]);
  });

  it('The hour is Korea time whatever the process zone is (the suite also runs under TZ=UTC)', async () => {
    const date = days.day();
    const host = await makeUser();
    const group = await runWith(host, [], { date, standbyTime: '20:00:00' });
    // 08:00 in Korea is 23:00 UTC the evening before.
    const [y, m, d] = date.split('-').map(Number);
    const at = new Date(Date.UTC(y, m - 1, d - 1, 23, 0, 0));
    expect(at.getTime()).toBe(kst(date, '08:00:00').getTime());
    await runDdayReminders(deps, tick(addMs(at, -1000)));
    expect(await alarmsOf(group)).toEqual([]);
    await runDdayReminders(deps, tick(at));
    expect(await alarmsOf(group, 'Dday')).toHaveLength(1);
  });

  it('The hour is configurable', async () => {
    const date = days.day();
    const host = await makeUser();
    const group = await runWith(host, [], { date, standbyTime: '10:00:00' });
    const early = workerDeps(ctx, { ...deps.settings, ddayHour: 6 });
    await runDdayReminders(deps, tick(kst(date, '06:00:00')));
    expect(await alarmsOf(group)).toEqual([]);
    await runDdayReminders(early, tick(kst(date, '06:00:00')));
    expect(await alarmsOf(group, 'Dday')).toHaveLength(1);
  });

  it('A run meeting at or before 08:30 gets no D-day alarm: its start reminder comes first', async () => {
    const date = days.day();
    const host = await makeUser();
    const dawn = await runWith(host, [], { date, standbyTime: '06:00:00' });
    const edge = await runWith(host, [], { date, standbyTime: '08:30:00' });
    const after = await runWith(host, [], { date, standbyTime: '08:31:00' });
    await runDdayReminders(deps, tick(kst(date, '08:00:00')));
    expect(await alarmsOf(dawn)).toEqual([]);
    expect(await alarmsOf(edge)).toEqual([]);
    expect(await alarmsOf(after, 'Dday')).toHaveLength(1);
  });
});

describe('Start reminder', () => {
  it('30 minutes before the meeting time, host and runners get a start alarm with their role', async () => {
    const date = days.day();
    const [host, runner] = [await makeUser(), await makeUser()];
    const group = await runWith(host, [runner], { date, standbyTime: '19:00:00' });

    await runStartReminders(deps, tick(kst(date, '18:29:59')));
    expect(await alarmsOf(group)).toEqual([]);
    const result = await runStartReminders(deps, tick(kst(date, '18:30:00')));
    expect(result).toMatchObject({ category: 'start', groups: 1, alarms: 2 });
    expect(recipients(await alarmsOf(group, 'start'))).toEqual(expected(host, [runner]));
  });

  it('A meeting time with seconds, or a tick that lands late, is still inside a window', async () => {
    const date = days.day();
    const host = await makeUser();
    const odd = await runWith(host, [], { date, standbyTime: '19:00:17' });
    // The tick at 18:30:30 covers (18:30:00, 18:30:30].
    await runStartReminders(deps, tick(kst(date, '18:30:30')));
    expect(await alarmsOf(odd, 'start')).toHaveLength(1);
  });

  it('A run just after midnight is reminded the evening before', async () => {
    const date = days.day();
    const host = await makeUser();
    const group = await runWith(host, [], { date, standbyTime: '00:10:00' });
    await runStartReminders(deps, tick(addMs(kst(date, '00:00:00'), -20 * MIN)));
    expect(await alarmsOf(group, 'start')).toHaveLength(1);
  });

  it('Users without consent or a phone number get the in-app alarm only; others have a text queued', async () => {
    const date = days.day();
    const host = await textableUser(ctx);
    const noConsent = await textableUser(ctx, undefined, { agreeSMS: false });
    const noPhone = await makeUser({ agreeSMS: true });
    const group = await runWith(host, [noConsent, noPhone], { date, standbyTime: '19:00:00' });
    const now = kst(date, '18:30:00');
    await runStartReminders(deps, tick(now));
    const byUser = new Map((await alarmsOf(group)).map((a) => [a.userId, a]));
    expect(byUser.get(host.userId)).toMatchObject({
      smsStatus: 'pending',
      smsAttempts: 0,
      sendPhone: 0,
    });
    expect(byUser.get(host.userId)?.smsNextAttemptAt?.getTime()).toBe(now.getTime());
    expect(byUser.get(noConsent.userId)).toMatchObject({
      smsStatus: 'skipped',
      smsError: 'no SMS consent',
      sendPhone: 0,
    });
    expect(byUser.get(noPhone.userId)).toMatchObject({
      smsStatus: 'skipped',
      smsError: 'no phone number',
      sendPhone: 0,
    });
  });
});

describe('End reminder', () => {
  it('Without a finish time it comes 1 hour after the meeting time; with one, at the finish time (at most 3 hours after)', () => {
    const date = '2045-06-01';
    expect(endsAt({ date, standbyTime: '19:00:00', finishTime: null })).toEqual(
      kst(date, '20:00:00'),
    );
    expect(endsAt({ date, standbyTime: '19:00:00', finishTime: '20:30:00' })).toEqual(
      kst(date, '20:30:00'),
    );
    // The SPA always sends 23:00.
    expect(endsAt({ date, standbyTime: '07:00:00', finishTime: '23:00:00' })).toEqual(
      kst(date, '10:00:00'),
    );
    expect(endsAt({ date, standbyTime: '23:00:00', finishTime: '00:30:00' })).toEqual(
      kst('2045-06-02', '00:30:00'),
    );
    expect(endsAt({ date, standbyTime: '19:00:00', finishTime: '19:00:00' })).toEqual(
      kst(date, '20:00:00'),
    );
  });

  it('When the run is over, runners get an end alarm (to rate the host) and the host one as host', async () => {
    const date = days.day();
    const [host, a, b] = [await makeUser(), await makeUser(), await makeUser()];
    const group = await runWith(host, [a, b], {
      date,
      standbyTime: '19:00:00',
      finishTime: '20:30:00',
    });
    await runEndReminders(deps, tick(kst(date, '20:29:59')));
    expect(await alarmsOf(group)).toEqual([]);
    await runEndReminders(deps, tick(kst(date, '20:30:00')));
    expect(recipients(await alarmsOf(group, 'end'))).toEqual(expected(host, [a, b]));
  });

  it('A late finish time is capped at 3 hours, one past midnight counts on the next day, one equal to the meeting time is ignored', async () => {
    const date = days.day();
    const host = await makeUser();
    const spa = await runWith(host, [], { date, standbyTime: '07:00:00', finishTime: '23:00:00' });
    const night = await runWith(host, [], {
      date,
      standbyTime: '23:00:00',
      finishTime: '00:30:00',
    });
    const same = await runWith(host, [], { date, standbyTime: '12:00:00', finishTime: '12:00:00' });
    const due = async (group: Group, at: Date) => {
      await runEndReminders(deps, tick(addMs(at, -1000)));
      expect(await alarmsOf(group)).toEqual([]);
      await runEndReminders(deps, tick(at));
      expect(await alarmsOf(group, 'end')).toHaveLength(1);
    };
    await due(spa, kst(date, '10:00:00'));
    await due(same, kst(date, '13:00:00'));
    await due(night, addMs(kst(date, '00:30:00'), 24 * 60 * MIN));
  });

  it('Once attendance is taken only the runners present are asked, and nobody who already rated the host', async () => {
    const date = days.day();
    const host = await makeUser();
    const [present, absent, rated] = [await makeUser(), await makeUser(), await makeUser()];
    const group = await runWith(host, [], { date, standbyTime: '19:00:00' });
    await Applier.bulkCreate([
      { groupId: group.groupId, userId: present.userId, attendance: true },
      { groupId: group.groupId, userId: absent.userId, attendance: false },
      { groupId: group.groupId, userId: rated.userId, attendance: true, evaluation: 1 },
    ] as Applier[]);
    await runEndReminders(deps, tick(kst(date, '20:00:00')));
    expect(recipients(await alarmsOf(group, 'end'))).toEqual(expected(host, [present]));
  });
});

describe('Windows, catch-up and duplicates', () => {
  it('After a 20-minute gap the next scan catches up on what fell due meanwhile', async () => {
    const date = days.day();
    const host = await makeUser();
    const patient = workerDeps(ctx, { ...deps.settings, maxLatenessMs: 60 * MIN });
    const missed = await runWith(host, [], { date, standbyTime: '10:10:00' });
    const next = await runWith(host, [], { date, standbyTime: '10:25:00' });
    await runReminderScan(patient, 'start', runStartReminders, { now: kst(date, '09:30:00') });
    // The worker is away from 09:30 to 09:50; the first run was due at 09:40.
    const result = await runReminderScan(patient, 'start', runStartReminders, {
      now: kst(date, '09:50:00'),
    });
    expect(result).toMatchObject({ from: kst(date, '09:30:00'), to: kst(date, '09:50:00') });
    expect(await alarmsOf(missed, 'start')).toHaveLength(1);
    expect(await alarmsOf(next)).toEqual([]);
    await runReminderScan(patient, 'start', runStartReminders, { now: kst(date, '09:55:00') });
    expect(await alarmsOf(next, 'start')).toHaveLength(1);
  });

  it('Reminders older than the maximum lateness are skipped, not sent late', async () => {
    const date = days.day();
    const host = await makeUser();
    const stale = await runWith(host, [], { date, standbyTime: '10:10:00' });
    const recent = await runWith(host, [], { date, standbyTime: '10:35:00' });
    await runReminderScan(deps, 'start', runStartReminders, { now: kst(date, '09:30:00') });
    // Away for 40 minutes with a 15-minute maximum lateness: the scan starts at 09:55.
    const result = await runReminderScan(deps, 'start', runStartReminders, {
      now: kst(date, '10:10:00'),
    });
    expect(result?.from).toEqual(kst(date, '09:55:00'));
    expect(await alarmsOf(stale)).toEqual([]);
    expect(await alarmsOf(recent, 'start')).toHaveLength(1);
  });

  it('A scan that a second worker already covered does nothing', async () => {
    const date = days.day();
    await runReminderScan(deps, 'end', runEndReminders, { now: kst(date, '12:00:00') });
    expect(
      await runReminderScan(deps, 'end', runEndReminders, { now: kst(date, '11:59:00') }),
    ).toBeNull();
  });

  it('Overlapping runs of the same job, at the same time, write each alarm exactly once', async () => {
    const date = days.day();
    const hosts = [await makeUser(), await makeUser(), await makeUser()];
    const runners = [await makeUser(), await makeUser(), await makeUser(), await makeUser()];
    const groups: Group[] = [];
    for (const host of hosts) {
      groups.push(await runWith(host, runners, { date, standbyTime: '19:00:00' }));
    }
    const now = kst(date, '18:30:00');
    // Two workers with different windows that both cover the due time, each run twice at once.
    await Promise.all([
      runStartReminders(deps, tick(now)),
      runStartReminders(deps, tick(now)),
      runStartReminders(deps, { now: addMs(now, 20_000), since: addMs(now, -10_000) }),
      runStartReminders(deps, { now, since: addMs(now, -5 * MIN) }),
    ]);
    for (const group of groups) {
      const alarms = await alarmsOf(group, 'start');
      expect(alarms).toHaveLength(1 + runners.length);
      expect(new Set(alarms.map((a) => a.userId)).size).toBe(alarms.length);
    }
  });

  it('Comment alarms still repeat for the same user and group: only worker alarms are keyed', async () => {
    const date = days.day();
    const host = await makeUser();
    const group = await runWith(host, [], { date, standbyTime: '19:00:00' });
    const row = {
      userId: host.userId,
      category: 'comment' as const,
      groupId: group.groupId,
      groupTitle: group.title,
    };
    await createAlarms([row, row], { now: kst(date, '12:00:00') });
    expect(await alarmsOf(group, 'comment')).toHaveLength(2);
  });

  it('A run with no applicants, or one deleted after it fell due, produces nothing and no error', async () => {
    const date = days.day();
    const empty = await makeGroupRow(await makeUser(), { date, standbyTime: '19:00:00' });
    const gone = await runWith(await makeUser(), [], { date, standbyTime: '19:00:00' });
    await User.destroy({ where: { userId: gone.userId } });
    const result = await runStartReminders(deps, tick(kst(date, '18:30:00')));
    expect(result.interrupted).toBe(false);
    expect(await alarmsOf(empty)).toEqual([]);
    expect(await Alarm.count({ where: { groupId: gone.groupId } })).toBe(0);
  });
});
