import request from 'supertest';
import { Applier } from '../src/db/models';
import { GROUP } from '../src/groups/messages';
import { GUEST, makeGroup, member, useCalendarContext } from './support/groups';

const file = useCalendarContext();

const toggle = (groupId: string, headers: Record<string, string>) =>
  request(file.ctx.app).post(`/group/${groupId}/apply`).set(headers);

const applicants = (groupId: string) => Applier.count({ where: { groupId } });

describe('POST /group/:groupId/apply', () => {
  it('Applies, then cancels on the second call, answering the seats taken', async () => {
    const { at } = file.calendar.window();
    const host = await member(file.ctx);
    const runner = await member(file.ctx);
    const group = await makeGroup(host.user, { date: at(2) });

    const applied = await toggle(group.groupId, runner.headers);
    expect(applied.status).toBe(200);
    expect(applied.body).toEqual({
      success: true,
      message: GROUP.applied,
      data: { applyPeople: 2, applyState: true },
    });
    const cancelled = await toggle(group.groupId, runner.headers);
    expect(cancelled.body).toEqual({
      success: true,
      message: GROUP.cancelled,
      data: { applyPeople: 1, applyState: false },
    });
    expect(await applicants(group.groupId)).toBe(1);
  });

  it('Does not let the host cancel', async () => {
    const { at } = file.calendar.window();
    const host = await member(file.ctx);
    const group = await makeGroup(host.user, { date: at(2) });
    const res = await toggle(group.groupId, host.headers);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ success: false, message: GROUP.hostCannotCancel });
    expect(await applicants(group.groupId)).toBe(1);
  });

  it('Counts the host: a full run answers 409 and stores nothing', async () => {
    const { at } = file.calendar.window();
    const host = await member(file.ctx);
    const group = await makeGroup(host.user, { date: at(2), maxPeople: 2 });
    const [first, second] = [await member(file.ctx), await member(file.ctx)];
    expect((await toggle(group.groupId, first.headers)).status).toBe(200);
    const full = await toggle(group.groupId, second.headers);
    expect(full.status).toBe(409);
    expect(full.body).toEqual({ success: false, message: GROUP.full });
    expect(await applicants(group.groupId)).toBe(2);
    // A cancellation frees the seat.
    await toggle(group.groupId, first.headers);
    expect((await toggle(group.groupId, second.headers)).body.data).toEqual({
      applyPeople: 2,
      applyState: true,
    });
  });

  it('Stays open until the start (Korea time) and closes at it, for applying and cancelling', async () => {
    const { today } = file.calendar.window();
    const host = await member(file.ctx);
    const [early, late] = [await member(file.ctx), await member(file.ctx)];
    const group = await makeGroup(host.user, { date: today, standbyTime: '09:30:00' });
    file.calendar.set(today, '09:29:00');
    expect((await toggle(group.groupId, early.headers)).status).toBe(200);
    file.calendar.set(today, '09:30:00');
    for (const runner of [early, late]) {
      const res = await toggle(group.groupId, runner.headers);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ success: false, message: GROUP.applyClosed });
    }
    expect(await applicants(group.groupId)).toBe(2);
  });

  it('Answers 404 for an unknown run and 401 for a guest', async () => {
    const runner = await member(file.ctx);
    const unknown = await toggle('00000000-0000-4000-8000-000000000000', runner.headers);
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toBe(GROUP.notFound);
    const { at } = file.calendar.window();
    const group = await makeGroup(runner.user, { date: at(2) });
    expect((await toggle(group.groupId, GUEST)).status).toBe(401);
  });

  it('Holds the capacity under 30 concurrent applications to a 10-seat run: exactly 10 with the host', async () => {
    const { at } = file.calendar.window();
    const host = await member(file.ctx);
    const group = await makeGroup(host.user, { date: at(2), maxPeople: 10 });
    const runners = await Promise.all(Array.from({ length: 30 }, () => member(file.ctx)));

    const answers = await Promise.all(runners.map((r) => toggle(group.groupId, r.headers)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(9);
    expect(statuses.filter((s) => s === 409)).toHaveLength(21);
    expect(await applicants(group.groupId)).toBe(10);
    const seats = answers.filter((a) => a.status === 200).map((a) => a.body.data.applyPeople);
    expect(seats.sort((x, y) => x - y)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('Keeps one application per user when the same user double-clicks', async () => {
    const { at } = file.calendar.window();
    const host = await member(file.ctx);
    const runner = await member(file.ctx);
    const group = await makeGroup(host.user, { date: at(2) });
    const answers = await Promise.all([
      toggle(group.groupId, runner.headers),
      toggle(group.groupId, runner.headers),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(answers.map((a) => a.body.data.applyState).sort()).toEqual([false, true]);
    expect(
      await Applier.count({ where: { groupId: group.groupId, userId: runner.user.userId } }),
    ).toBe(0);
  });
});
