import request from 'supertest';
import { Applier, User, type Group } from '../src/db/models';
import { GROUP } from '../src/groups/messages';
import { uniqueSuffix } from './support/context';
import { apply, makeGroup, member, useCalendarContext, type Member } from './support/groups';

const file = useCalendarContext();

/** What the SPA sends: a JSON text under a multipart content type (contract §1.2). */
function sendAsSpa(req: request.Test, body: object) {
  return req.set('Content-Type', 'multipart/form-data').send(JSON.stringify(body));
}

const mannerPoint = async (user: User) => (await User.findByPk(user.userId))?.mannerPoint;
const row = (groupId: string, user: User) =>
  Applier.findOne({ where: { groupId, userId: user.userId } });

interface Run {
  group: Group;
  host: Member;
  /** Applicants other than the host, in the sheet's order (by nickname). */
  runners: Member[];
  today: string;
}

/** A run today at 10:00 with three runners, the clock at 09:30 (the sheet just opened). */
async function runWithRunners(): Promise<Run> {
  const { today } = file.calendar.window();
  const host = await member(file.ctx);
  const tag = uniqueSuffix();
  // Created out of order: the sheet sorts them.
  const runners = [
    await member(file.ctx, { nickname: `rc${tag}` }),
    await member(file.ctx, { nickname: `ra${tag}` }),
    await member(file.ctx, { nickname: `rb${tag}` }),
  ];
  const group = await makeGroup(host.user, { date: today, standbyTime: '10:00:00' });
  await apply(group.groupId, ...runners.map((r) => r.user));
  file.calendar.set(today, '09:30:00');
  const sorted = [...runners].sort((a, b) => a.user.nickname.localeCompare(b.user.nickname));
  return { group, host, runners: sorted, today };
}

const sheet = (run: Run, who: Member = run.host) =>
  request(file.ctx.app).get(`/group/attendance/${run.group.groupId}`).set(who.headers);
const submit = (run: Run, attendance: unknown, who: Member = run.host) =>
  sendAsSpa(
    request(file.ctx.app).patch(`/group/attendance/${run.group.groupId}`).set(who.headers),
    {
      attendance,
    },
  );

describe('GET /group/attendance/:groupId', () => {
  it('Gives the host the run and the runners (not the host) in a stable order', async () => {
    const run = await runWithRunners();
    const res = await sheet(run);
    expect(res.status).toBe(200);
    const [y, m, d] = run.today.split('-');
    expect(res.body).toEqual({
      success: true,
      groupInfo: {
        title: run.group.title,
        date: expect.stringMatching(
          new RegExp(`^${y}\\.${m}\\.${d} \\([일월화수목금토]\\) 10:00$`),
        ),
        maxPeople: 10,
        user: {
          userId: run.host.user.userId,
          nickname: run.host.user.nickname,
          profileUrl: run.host.user.profileUrl,
        },
        attendanceCount: '4/10',
      },
      applyUser: await Promise.all(
        run.runners.map(async (r) => ({
          applyId: (await row(run.group.groupId, r.user))?.applyId,
          groupId: run.group.groupId,
          userId: r.user.userId,
          attendance: false,
          user: { nickname: r.user.nickname, profileUrl: r.user.profileUrl },
        })),
      ),
    });
  });

  it('Opens 30 minutes before the start (Korea time), not a minute earlier', async () => {
    const run = await runWithRunners();
    file.calendar.set(run.today, '09:29:00');
    const early = await sheet(run);
    expect(early.status).toBe(400);
    expect(early.body).toEqual({ success: false, message: GROUP.attendanceNotYet });
    file.calendar.set(run.today, '09:30:00');
    expect((await sheet(run)).status).toBe(200);
  });

  it('Is for the host only', async () => {
    const run = await runWithRunners();
    const res = await sheet(run, run.runners[0]);
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ success: false, message: GROUP.notHost });
    const unknown = await request(file.ctx.app).get('/group/attendance/nope').set(run.host.headers);
    expect(unknown.status).toBe(404);
  });
});

describe('PATCH /group/attendance/:groupId', () => {
  it('Records exactly the ticked runners as present, once, with a manner point each', async () => {
    const run = await runWithRunners();
    await sheet(run);
    const res = await submit(run, [0, 2]);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, message: GROUP.attendanceDone });

    const [first, second, third] = run.runners;
    expect((await row(run.group.groupId, first.user))?.attendance).toBe(true);
    expect((await row(run.group.groupId, second.user))?.attendance).toBe(false);
    expect((await row(run.group.groupId, third.user))?.attendance).toBe(true);
    expect(await Promise.all(run.runners.map((r) => mannerPoint(r.user)))).toEqual([51, 50, 51]);
    // The host's row records that the sheet was submitted.
    expect((await row(run.group.groupId, run.host.user))?.attendance).toBe(true);
    expect(await mannerPoint(run.host.user)).toBe(50);

    const again = await submit(run, [1]);
    expect(again.status).toBe(409);
    expect(again.body.message).toBe(GROUP.attendanceSubmitted);
    expect(await mannerPoint(second.user)).toBe(50);
    expect((await sheet(run)).body).toEqual({ success: false, message: GROUP.attendanceSubmitted });

    const mine = await request(file.ctx.app)
      .get(`/group/mypage?userId=${run.host.user.userId}`)
      .set(run.host.headers);
    expect(mine.body.data[0]).toMatchObject({ groupId: run.group.groupId, attendance: true });
  });

  it('Refuses anyone but the host and records nothing', async () => {
    const run = await runWithRunners();
    const res = await submit(run, [0, 1, 2], run.runners[0]);
    expect(res.status).toBe(403);
    expect(res.body.message).toBe(GROUP.notHost);
    expect(await Applier.count({ where: { groupId: run.group.groupId, attendance: true } })).toBe(
      0,
    );
    expect(await Promise.all(run.runners.map((r) => mannerPoint(r.user)))).toEqual([50, 50, 50]);
  });

  it('Is closed before the sheet opens', async () => {
    const run = await runWithRunners();
    file.calendar.set(run.today, '09:00:00');
    const res = await submit(run, [0]);
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(GROUP.attendanceNotYet);
  });

  it('Reads the indexes against the list the host was shown, even if it changed since', async () => {
    const run = await runWithRunners();
    const shown = (await sheet(run)).body.applyUser.map((u: { userId: string }) => u.userId);
    // The first runner cancels and a newcomer applies after the host opened the sheet.
    const [gone, , last] = run.runners;
    await request(file.ctx.app).post(`/group/${run.group.groupId}/apply`).set(gone.headers);
    const newcomer = await member(file.ctx, { nickname: 'aaa' });
    await request(file.ctx.app).post(`/group/${run.group.groupId}/apply`).set(newcomer.headers);

    expect((await submit(run, [2, 3])).status).toBe(400);
    const res = await submit(run, [0, 2]);
    expect(res.status).toBe(200);
    expect(shown[2]).toBe(last.user.userId);
    expect((await row(run.group.groupId, last.user))?.attendance).toBe(true);
    expect(await mannerPoint(last.user)).toBe(51);
    // Index 0 was the runner who left: skipped, not given a point.
    expect(await mannerPoint(gone.user)).toBe(50);
    expect((await row(run.group.groupId, newcomer.user))?.attendance).toBe(false);
  });

  it('Without a sheet handed out, reads the indexes against the current list', async () => {
    const run = await runWithRunners();
    const res = await submit(run, [1]);
    expect(res.status).toBe(200);
    expect(await Promise.all(run.runners.map((r) => mannerPoint(r.user)))).toEqual([50, 51, 50]);
  });

  it('Accepts an empty sheet (nobody came) and a plain JSON request', async () => {
    const run = await runWithRunners();
    const res = await request(file.ctx.app)
      .patch(`/group/attendance/${run.group.groupId}`)
      .set(run.host.headers)
      .send({ attendance: [] });
    expect(res.status).toBe(200);
    expect(await Applier.count({ where: { groupId: run.group.groupId, attendance: true } })).toBe(
      1,
    );
  });

  it.each([
    ['an index past the list', [3]],
    ['a negative index', [-1]],
    ['a fractional index', [0.5]],
    ['no list', undefined],
    ['a string', '0,1'],
  ])('Refuses %s with 400 and records nothing', async (_label, attendance) => {
    const run = await runWithRunners();
    const res = await submit(run, attendance);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ success: false, message: GROUP.attendanceFailed });
    expect(await Applier.count({ where: { groupId: run.group.groupId, attendance: true } })).toBe(
      0,
    );
  });

  it('Refuses a multipart body that is not JSON', async () => {
    const run = await runWithRunners();
    const res = await request(file.ctx.app)
      .patch(`/group/attendance/${run.group.groupId}`)
      .set(run.host.headers)
      .set('Content-Type', 'multipart/form-data')
      .send('attendance=0');
    expect(res.status).toBe(400);
    expect(res.body.success).toBe(false);
  });
});

/** A run two days ago with one runner; the clock now. */
async function finishedRun() {
  const { at } = file.calendar.window();
  const host = await member(file.ctx);
  const runner = await member(file.ctx);
  const group = await makeGroup(host.user, { date: at(0), standbyTime: '07:00:00' });
  await apply(group.groupId, runner.user);
  file.calendar.set(at(2), '12:00:00');
  return { group, host, runner, at };
}

const evaluationPage = (groupId: string, who: Member) =>
  request(file.ctx.app).get(`/group/evaluation/${groupId}`).set(who.headers);
const evaluate = (groupId: string, who: Member, body: object) =>
  sendAsSpa(request(file.ctx.app).patch(`/group/evaluation/${groupId}`).set(who.headers), body);

describe('GET /group/evaluation/:groupId', () => {
  it('Shows a runner the host to rate once the run has started', async () => {
    const { group, host, runner, at } = await finishedRun();
    const res = await evaluationPage(group.groupId, runner);
    expect(res.status).toBe(200);
    const [y, m, d] = at(0).split('-');
    expect(res.body).toEqual({
      success: true,
      hostUser: {
        groupId: group.groupId,
        title: group.title,
        date: expect.stringMatching(
          new RegExp(`^${y}년 ${m}월 ${d}일 [일월화수목금토]요일 07시 00분$`),
        ),
        user: {
          userId: host.user.userId,
          nickname: host.user.nickname,
          profileUrl: host.user.profileUrl,
        },
      },
    });
  });

  it('Refuses the host, non-runners and a run not started yet', async () => {
    const { group, host, runner, at } = await finishedRun();
    const stranger = await member(file.ctx);
    expect((await evaluationPage(group.groupId, host)).body.message).toBe(GROUP.hostCannotEvaluate);
    const res = await evaluationPage(group.groupId, stranger);
    expect(res.status).toBe(403);
    expect(res.body.message).toBe(GROUP.notParticipant);
    file.calendar.set(at(0), '06:59:00');
    const early = await evaluationPage(group.groupId, runner);
    expect(early.status).toBe(400);
    expect(early.body.message).toBe(GROUP.evaluationNotYet);
    file.calendar.set(at(0), '07:00:00');
    expect((await evaluationPage(group.groupId, runner)).status).toBe(200);
  });
});

describe('PATCH /group/evaluation/:groupId', () => {
  it("Records the category and moves the run's host's manner points, once", async () => {
    const { group, host, runner } = await finishedRun();
    const res = await evaluate(group.groupId, runner, {
      hostId: host.user.userId,
      point: 1,
      evaluationCategory: 2,
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, message: GROUP.evaluated });
    expect(await mannerPoint(host.user)).toBe(51);
    expect((await row(group.groupId, runner.user))?.evaluation).toBe(2);

    const again = await evaluate(group.groupId, runner, { point: 1, evaluationCategory: 1 });
    expect(again.status).toBe(409);
    expect(again.body.message).toBe(GROUP.alreadyEvaluated);
    expect(await mannerPoint(host.user)).toBe(51);
    expect((await evaluationPage(group.groupId, runner)).body.message).toBe(GROUP.alreadyEvaluated);
  });

  it('Takes a point off for a negative category, the host found from the run', async () => {
    const { group, host, runner } = await finishedRun();
    const res = await evaluate(group.groupId, runner, { point: -1, evaluationCategory: 7 });
    expect(res.status).toBe(200);
    expect(await mannerPoint(host.user)).toBe(49);
  });

  it('Refuses a forged host and changes nobody', async () => {
    const { group, host, runner } = await finishedRun();
    const friend = await member(file.ctx);
    const res = await evaluate(group.groupId, runner, {
      hostId: friend.user.userId,
      point: 1,
      evaluationCategory: 1,
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ success: false, message: GROUP.wrongHost });
    expect([await mannerPoint(friend.user), await mannerPoint(host.user)]).toEqual([50, 50]);
    expect((await row(group.groupId, runner.user))?.evaluation).toBe(0);
  });

  it.each([
    ['a point of 5', { point: 5, evaluationCategory: 1 }, GROUP.badPoint],
    ['a point as text', { point: 'good', evaluationCategory: 1 }, GROUP.badPoint],
    ['no category (none picked)', { point: 1 }, GROUP.categoryMissing],
    ['category 0', { point: 1, evaluationCategory: 0 }, GROUP.categoryMissing],
    ['category 11', { point: -1, evaluationCategory: 11 }, GROUP.categoryMissing],
    [
      'a positive category with -1',
      { point: -1, evaluationCategory: 3 },
      GROUP.badCategoryForPoint,
    ],
    ['a negative category with +1', { point: 1, evaluationCategory: 6 }, GROUP.badCategoryForPoint],
  ])('Refuses %s', async (_label, body, message) => {
    const { group, host, runner } = await finishedRun();
    const res = await evaluate(group.groupId, runner, body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ success: false, message });
    expect(await mannerPoint(host.user)).toBe(50);
  });

  it('Refuses the host, strangers and a run not started', async () => {
    const { group, host, runner, at } = await finishedRun();
    const stranger = await member(file.ctx);
    const body = { point: 1, evaluationCategory: 1 };
    expect((await evaluate(group.groupId, host, body)).body.message).toBe(GROUP.hostCannotEvaluate);
    expect((await evaluate(group.groupId, stranger, body)).body.message).toBe(GROUP.notParticipant);
    file.calendar.set(at(0), '06:00:00');
    expect((await evaluate(group.groupId, runner, body)).body.message).toBe(GROUP.evaluationNotYet);
    expect(await mannerPoint(host.user)).toBe(50);
  });

  it('Counts two simultaneous submissions once', async () => {
    const { group, host, runner } = await finishedRun();
    const body = { point: 1, evaluationCategory: 5 };
    const answers = await Promise.all([
      evaluate(group.groupId, runner, body),
      evaluate(group.groupId, runner, body),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect(await mannerPoint(host.user)).toBe(51);
  });
});
