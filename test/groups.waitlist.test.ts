import request from 'supertest';
import { Alarm, Applier, Waiter } from '../src/db/models';
import { runSmsOutbox } from '../src/alarms/sms-outbox';
import { runWaitlistSweep } from '../src/jobs/waitlists';
import { GROUP, WAITLIST } from '../src/groups/messages';
import { GUEST, makeGroup, member, useCalendarContext, type Member } from './support/groups';
import { FakeSms, textableUser, workerDeps } from './support/worker';
import { authHeaders, signIn } from './support/context';

// On a database of its own: its outbox runs must not drop, nor be dropped by, another file's
// queued texts.
const file = useCalendarContext({ ownDatabase: true });

const wait = (groupId: string, headers: Record<string, string>) =>
  request(file.ctx.app).post(`/group/${groupId}/waitlist`).set(headers);
const apply = (groupId: string, headers: Record<string, string>) =>
  request(file.ctx.app).post(`/group/${groupId}/apply`).set(headers);
const detail = (groupId: string, headers: Record<string, string>) =>
  request(file.ctx.app).get(`/group/detail/${groupId}`).set(headers);
const raiseSeats = (groupId: string, headers: Record<string, string>, maxPeople: number) =>
  request(file.ctx.app)
    .patch(`/group/${groupId}`)
    .set(headers)
    .field('maxPeople', String(maxPeople));

const applicants = async (groupId: string) =>
  (await Applier.findAll({ where: { groupId }, attributes: ['userId'] })).map((a) => a.userId);
const queue = async (groupId: string) =>
  (await Waiter.findAll({ where: { groupId }, order: [['waitlistId', 'ASC']] })).map(
    (w) => w.userId,
  );

/** A run two days ahead with `maxPeople` seats, all taken (the host and runners). */
async function fullRun(maxPeople = 3) {
  const { at } = file.calendar.window();
  const host = await member(file.ctx);
  const group = await makeGroup(host.user, { date: at(2), maxPeople });
  const runners: Member[] = [];
  for (let i = 1; i < maxPeople; i++) {
    const runner = await member(file.ctx);
    expect((await apply(group.groupId, runner.headers)).status).toBe(200);
    runners.push(runner);
  }
  return { host, group, runners };
}

describe('POST /group/:groupId/waitlist', () => {
  it('Queues the caller on a full run, answering the place, and takes them off on the second call', async () => {
    const { group } = await fullRun();
    const [first, second] = [await member(file.ctx), await member(file.ctx)];

    const joined = await wait(group.groupId, first.headers);
    expect(joined.status).toBe(200);
    expect(joined.body).toEqual({
      success: true,
      message: WAITLIST.joined,
      waiting: true,
      position: 1,
    });
    expect((await wait(group.groupId, second.headers)).body.position).toBe(2);
    expect(await queue(group.groupId)).toEqual([first.user.userId, second.user.userId]);

    const left = await wait(group.groupId, first.headers);
    expect(left.body).toEqual({
      success: true,
      message: WAITLIST.left,
      waiting: false,
      position: null,
    });
    expect(await queue(group.groupId)).toEqual([second.user.userId]);
    // The one behind moves up.
    expect((await detail(group.groupId, second.headers)).body.data.waitlistPosition).toBe(1);
  });

  it('Refuses a run with a free seat (apply instead), the host, an applicant, a started run, a missing run and a guest', async () => {
    const { at, today } = file.calendar.window();
    const host = await member(file.ctx);
    const runner = await member(file.ctx);
    const open = await makeGroup(host.user, { date: at(2), maxPeople: 3 });
    const notFull = await wait(open.groupId, runner.headers);
    expect(notFull.status).toBe(409);
    expect(notFull.body).toEqual({ success: false, message: WAITLIST.notFull });

    const { group, host: fullHost, runners } = await fullRun();
    const asHost = await wait(group.groupId, fullHost.headers);
    expect(asHost.status).toBe(400);
    expect(asHost.body.message).toBe(WAITLIST.host);
    const applied = await wait(group.groupId, runners[0].headers);
    expect(applied.status).toBe(409);
    expect(applied.body.message).toBe(WAITLIST.alreadyApplied);

    const missing = await wait('00000000-0000-4000-8000-000000000000', runner.headers);
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe(GROUP.notFound);
    expect((await wait(group.groupId, GUEST)).status).toBe(401);

    // The deadline is the application's: the start of the run (Korea time).
    const soon = await makeGroup(host.user, { date: today, standbyTime: '09:30:00', maxPeople: 2 });
    file.calendar.set(today, '09:29:00');
    expect((await apply(soon.groupId, (await member(file.ctx)).headers)).status).toBe(200);
    expect((await wait(soon.groupId, runner.headers)).status).toBe(200);
    file.calendar.set(today, '09:30:00');
    const closed = await wait(soon.groupId, runner.headers);
    expect(closed.status).toBe(400);
    expect(closed.body).toEqual({ success: false, message: WAITLIST.closed });
    expect(await queue(soon.groupId)).toEqual([runner.user.userId]);
    expect(await queue(group.groupId)).toEqual([]);
    expect(await queue(open.groupId)).toEqual([]);
  });

  it('Refuses a waiter who applies to the full run, with its own message', async () => {
    const { group } = await fullRun();
    const waiter = await member(file.ctx);
    await wait(group.groupId, waiter.headers);
    const res = await apply(group.groupId, waiter.headers);
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ success: false, message: WAITLIST.waiting });
    // Someone not waiting gets the usual answer.
    const other = await apply(group.groupId, (await member(file.ctx)).headers);
    expect(other.body).toEqual({ success: false, message: GROUP.full });
    expect(await queue(group.groupId)).toEqual([waiter.user.userId]);
  });

  it('Gives a waiter who applies when a seat is free that seat, and takes them off the waitlist', async () => {
    const { group } = await fullRun();
    const waiter = await member(file.ctx);
    await wait(group.groupId, waiter.headers);
    // A seat freed behind the API's back (no promotion ran): applying takes it.
    await group.update({ maxPeople: 4 });
    const res = await apply(group.groupId, waiter.headers);
    expect(res.body).toEqual({
      success: true,
      message: GROUP.applied,
      data: { applyPeople: 4, applyState: true },
    });
    expect(await queue(group.groupId)).toEqual([]);
    expect(await applicants(group.groupId)).toContain(waiter.user.userId);
  });
});

describe('Promotion from the waitlist', () => {
  it('Gives a cancelled seat to the first waiter at once, with an alarm and a queued text', async () => {
    const { group, runners } = await fullRun();
    const first = await textableUser(file.ctx);
    const firstMember = { user: first, headers: authHeaders(await signIn(file.ctx, first)) };
    const second = await member(file.ctx);
    await wait(group.groupId, firstMember.headers);
    await wait(group.groupId, second.headers);

    const cancelled = await apply(group.groupId, runners[0].headers);
    expect(cancelled.body).toEqual({
      success: true,
      message: GROUP.cancelled,
      data: { applyPeople: 3, applyState: false },
    });
    const seated = await applicants(group.groupId);
    expect(seated).toContain(first.userId);
    expect(seated).not.toContain(runners[0].user.userId);
    expect(await queue(group.groupId)).toEqual([second.user.userId]);

    const alarms = await Alarm.findAll({ where: { groupId: group.groupId, category: 'waitlist' } });
    expect(alarms.map((a) => [a.userId, a.groupTitle, a.nickname, a.smsStatus])).toEqual([
      [first.userId, group.title, first.nickname, 'pending'],
    ]);
    // The promoted runner sees themselves as an applicant, with the chat link.
    const seen = await detail(group.groupId, firstMember.headers);
    expect(seen.body.data).toMatchObject({ applyState: true, waitlistPosition: null });
    expect(seen.body.data.chattingRoom).toBe(group.chattingRoom);

    // The worker's outbox sends the text.
    const sms = new FakeSms();
    await runSmsOutbox(workerDeps(file.ctx, {}, { sms }), { now: file.ctx.now() });
    expect(sms.to(first.number).map((c) => c.content)).toEqual([
      `${first.nickname}님 대기하신 [${group.title}]러닝에 자리가 나서 신청되었습니다. \n 링크: ${file.ctx.config.worker.spaUrl}/groupdetail/${group.groupId}`,
    ]);
  });

  it('Queues no text for a runner without SMS consent (the in-app alarm only)', async () => {
    const { group, runners } = await fullRun(2);
    const waiter = await member(file.ctx, { agreeSMS: false });
    await wait(group.groupId, waiter.headers);
    await apply(group.groupId, runners[0].headers);
    const [alarm] = await Alarm.findAll({ where: { userId: waiter.user.userId } });
    expect(alarm).toMatchObject({ category: 'waitlist', smsStatus: 'skipped' });
  });

  it('Gives every seat a host adds to the next waiters in order', async () => {
    const { host, group } = await fullRun(3);
    const waiters: Member[] = [];
    for (let i = 0; i < 5; i++) {
      const waiter = await member(file.ctx);
      await wait(group.groupId, waiter.headers);
      waiters.push(waiter);
    }
    const res = await raiseSeats(group.groupId, host.headers, 6);
    expect(res.status).toBe(200);
    const seated = await applicants(group.groupId);
    expect(seated).toHaveLength(6);
    for (const w of waiters.slice(0, 3)) expect(seated).toContain(w.user.userId);
    expect(await queue(group.groupId)).toEqual(waiters.slice(3).map((w) => w.user.userId));
    const { body } = await detail(group.groupId, waiters[4].headers);
    expect(body.data).toMatchObject({ maxPeople: 6, waitingCount: 2, waitlistPosition: 2 });
  });

  it('Gives a withdrawn runner’s seat to the first waiter; a withdrawn waiter leaves the queue', async () => {
    const { group, runners } = await fullRun(3);
    const [first, second, third] = [
      await member(file.ctx),
      await member(file.ctx),
      await member(file.ctx),
    ];
    for (const w of [first, second, third]) await wait(group.groupId, w.headers);

    await request(file.ctx.app).delete('/user/delete').set(second.headers).expect(200);
    expect(await queue(group.groupId)).toEqual([first.user.userId, third.user.userId]);

    await request(file.ctx.app).delete('/user/delete').set(runners[1].headers).expect(200);
    const seated = await applicants(group.groupId);
    expect(seated).toHaveLength(3);
    expect(seated).toContain(first.user.userId);
    expect(await queue(group.groupId)).toEqual([third.user.userId]);
  });
});

describe('The waitlist on the detail and when the run ends', () => {
  it('Shows the count to everyone and the place to the waiter (null otherwise, and for guests)', async () => {
    const { group, runners } = await fullRun();
    const [first, second] = [await member(file.ctx), await member(file.ctx)];
    await wait(group.groupId, first.headers);
    await wait(group.groupId, second.headers);

    const asSecond = await detail(group.groupId, second.headers);
    expect(asSecond.body.data).toMatchObject({ waitingCount: 2, waitlistPosition: 2 });
    const asRunner = await detail(group.groupId, runners[0].headers);
    expect(asRunner.body.data).toMatchObject({ waitingCount: 2, waitlistPosition: null });
    const asGuest = await detail(group.groupId, GUEST);
    expect(asGuest.body.data.waitingCount).toBe(2);
    expect(asGuest.body.data.waitlistPosition).toBeNull();
  });

  it('Deletes the waitlist with the run, telling the waiters', async () => {
    const { host, group } = await fullRun();
    const waiter = await member(file.ctx);
    await wait(group.groupId, waiter.headers);
    await request(file.ctx.app).delete(`/group/${group.groupId}`).set(host.headers).expect(200);
    expect(await Waiter.count({ where: { groupId: group.groupId } })).toBe(0);
    const alarms = await Alarm.findAll({ where: { userId: waiter.user.userId } });
    expect(alarms.map((a) => [a.category, a.groupTitle])).toEqual([['delete', group.title]]);
  });

  it('Ends the waitlist when the run starts: the detail shows none and the worker deletes it', async () => {
    const { today, at } = file.calendar.window();
    const host = await member(file.ctx);
    const group = await makeGroup(host.user, {
      date: today,
      standbyTime: '10:00:00',
      maxPeople: 2,
    });
    const later = await makeGroup(host.user, { date: at(1), maxPeople: 2 });
    const waiter = await member(file.ctx);
    for (const g of [group, later]) {
      await apply(g.groupId, (await member(file.ctx)).headers);
      expect((await wait(g.groupId, waiter.headers)).status).toBe(200);
    }
    file.calendar.set(today, '10:00:00');
    const { body } = await detail(group.groupId, waiter.headers);
    expect(body.data).toMatchObject({ waitingCount: 0, waitlistPosition: null });

    await runWaitlistSweep(workerDeps(file.ctx), { now: file.ctx.now() });
    expect(await queue(group.groupId)).toEqual([]);
    expect(await queue(later.groupId)).toEqual([waiter.user.userId]);
  });
});
