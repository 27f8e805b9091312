import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { Alarm, Applier, Comment, Group } from '../src/db/models';
import { GROUP } from '../src/groups/messages';
import { keyFromImageUrl } from '../src/uploads';
import { jpeg, png } from './support/images';
import {
  apply,
  createFields,
  GUEST,
  makeGroup,
  member,
  postGroup,
  ROUTE,
  useCalendarContext,
} from './support/groups';

const file = useCalendarContext();

/** Whether the original and both variants of an image key are in local storage. */
const stored = (key: string) =>
  ['groupthumbnail', 'w_384', 'w_758'].every((dir) =>
    fs.existsSync(path.join(file.ctx.config.images.localDir, dir, key)),
  );
const storedCount = () =>
  fs.existsSync(path.join(file.ctx.config.images.localDir, 'w_758'))
    ? fs.readdirSync(path.join(file.ctx.config.images.localDir, 'w_758')).length
    : 0;

const detail = (groupId: string, headers = GUEST) =>
  request(file.ctx.app).get(`/group/detail/${groupId}`).set(headers);

/** Stands for 10,001 characters in a test table (keeps the test names short). */
const LONG_TEXT = '<10,001 characters>';

describe('POST /group', () => {
  it('Creates a run from the SPA form: fields stored, codes derived, the host is the first applicant', async () => {
    const { at } = file.calendar.window();
    const host = await member(file.ctx);
    const res = await postGroup(file.ctx, host.headers, createFields(at(3)));
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      success: true,
      message: GROUP.created,
      groupId: expect.any(String),
    });

    const group = await Group.findByPk(res.body.groupId);
    expect(group?.toJSON()).toMatchObject({
      userId: host.user.userId,
      title: '한강 야간 러닝',
      maxPeople: 6,
      date: at(3),
      standbyTime: '19:30:00',
      finishTime: '23:00:00',
      chattingRoom: 'https://open.kakao.com/o/gbS50Dfe',
      distance: 5.25,
      location: '서울 영등포구 여의도동 84-4',
      mapLatLng: JSON.stringify(ROUTE),
      region: 1,
      timecode: 5,
      thema: '강변',
      thumbnailUrl1: null,
    });
    const appliers = await Applier.findAll({ where: { groupId: res.body.groupId } });
    expect(appliers.map((a) => a.userId)).toEqual([host.user.userId]);
  });

  it.each([
    ['대전 유성구 궁동 1', 5],
    ['세종특별자치시 한누리대로 1', 5],
    ['제주특별자치도 제주시 연동', 9],
    ['Tokyo somewhere', 0],
  ])('Derives the region of %s as %i', async (location, region) => {
    const { at } = file.calendar.window();
    const host = await member(file.ctx);
    const res = await postGroup(file.ctx, host.headers, createFields(at(2), { location }));
    expect(res.status).toBe(201);
    expect((await Group.findByPk(res.body.groupId))?.region).toBe(region);
  });

  it.each([
    ['00:10', '00:10:00', 1],
    ['4:00', '04:00:00', 2],
    ['11:59', '11:59:00', 3],
    // The SPA's picker sends 12 PM as 24:mm.
    ['24:30', '12:30:00', 4],
    ['23:00:00', '23:00:00', 6],
  ])('Stores the meeting time %s as %s in time slot %i', async (standbyTime, stored, slot) => {
    const { at } = file.calendar.window();
    const host = await member(file.ctx);
    const res = await postGroup(file.ctx, host.headers, createFields(at(2), { standbyTime }));
    expect(res.status).toBe(201);
    const group = await Group.findByPk(res.body.groupId);
    expect([group?.standbyTime, group?.timecode]).toEqual([stored, slot]);
  });

  it.each([
    ['title', '', GROUP.titleMissing],
    ['title', 'ab', GROUP.titleTooShort],
    ['title', 'x'.repeat(151), GROUP.titleTooLong],
    ['maxPeople', '', GROUP.maxPeopleMissing],
    ['maxPeople', 'null', GROUP.maxPeopleNotNumber],
    ['maxPeople', '1', GROUP.maxPeopleRange],
    ['maxPeople', '21', GROUP.maxPeopleRange],
    ['date', '', GROUP.badDate],
    ['date', '2031-02-30', GROUP.badDate],
    ['standbyTime', '', GROUP.standbyTimeMissing],
    ['standbyTime', '25:00', GROUP.badStandbyTime],
    ['finishTime', '', GROUP.finishTimeMissing],
    ['finishTime', 'soon', GROUP.badFinishTime],
    ['distance', '', GROUP.distanceMissing],
    ['distance', 'far', GROUP.badDistance],
    ['distance', '-1', GROUP.badDistance],
    ['speed', '', GROUP.speedMissing],
    ['location', '', GROUP.locationMissing],
    ['mapLatLng', '', GROUP.mapLatLngMissing],
    ['mapLatLng', '[]', GROUP.badMapLatLng],
    ['mapLatLng', '[{"lat":"37","lng":127}]', GROUP.badMapLatLng],
    ['mapLatLng', 'not json', GROUP.badMapLatLng],
    ['thema', '', GROUP.themaMissing],
    ['thema', '바다', GROUP.badThema],
    ['chattingRoom', 'javascript:alert(1)', GROUP.badChattingRoom],
    ['content', LONG_TEXT, GROUP.textTooLong],
  ])('With %s = %s, answers 400 %s and creates nothing', async (name, value, message) => {
    const { at } = file.calendar.window();
    const host = await member(file.ctx);
    const sent = value === LONG_TEXT ? 'x'.repeat(10_001) : value;
    const res = await postGroup(file.ctx, host.headers, createFields(at(2), { [name]: sent }));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ success: false, message });
    expect(await Group.count({ where: { userId: host.user.userId } })).toBe(0);
  });

  it('Reports the first failing field in the original order', async () => {
    const { at } = file.calendar.window();
    const host = await member(file.ctx);
    const fields = createFields(at(2), { thema: '', speed: '', maxPeople: 'many' });
    const res = await postGroup(file.ctx, host.headers, fields);
    expect(res.body.message).toBe(GROUP.maxPeopleNotNumber);
  });

  it('Refuses a field sent twice', async () => {
    const { at } = file.calendar.window();
    const host = await member(file.ctx);
    const res = await postGroup(file.ctx, host.headers, createFields(at(2))).field(
      'title',
      'second title',
    );
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(GROUP.titleMissing);
  });

  it('Accepts a start exactly six hours ahead (Korea time) and refuses one a minute earlier', async () => {
    const { today } = file.calendar.window(); // the clock stands at 00:00 of `today`
    const host = await member(file.ctx);
    const early = await postGroup(
      file.ctx,
      host.headers,
      createFields(today, { standbyTime: '05:59' }),
    );
    expect(early.status).toBe(400);
    expect(early.body.message).toBe(GROUP.createTooSoon);
    const ok = await postGroup(
      file.ctx,
      host.headers,
      createFields(today, { standbyTime: '06:00' }),
    );
    expect(ok.status).toBe(201);
  });

  it('Refuses a second post by the same user within 10 seconds, but not after a refused one', async () => {
    const { at, today } = file.calendar.window();
    const host = await member(file.ctx);
    const refused = await postGroup(
      file.ctx,
      host.headers,
      createFields(today, { standbyTime: '01:00' }),
    );
    expect(refused.body.message).toBe(GROUP.createTooSoon);
    const first = await postGroup(file.ctx, host.headers, createFields(at(2)));
    expect(first.status).toBe(201);
    const second = await postGroup(file.ctx, host.headers, createFields(at(3)));
    expect(second.status).toBe(429);
    expect(second.body).toEqual({ success: false, message: GROUP.createTooOften });
    expect(await Group.count({ where: { userId: host.user.userId } })).toBe(1);
    const other = await member(file.ctx);
    expect((await postGroup(file.ctx, other.headers, createFields(at(3)))).status).toBe(201);
  });

  it('Stores up to three thumbnails in order and serves their variants', async () => {
    const { at } = file.calendar.window();
    const host = await member(file.ctx);
    const res = await postGroup(file.ctx, host.headers, createFields(at(2)), [
      { buffer: await jpeg(800, 600), name: 'a.jpg' },
      { buffer: await png(300, 200), name: 'b.png' },
    ]);
    expect(res.status).toBe(201);
    const group = await Group.findByPk(res.body.groupId);
    expect(group?.thumbnailUrl3).toBeNull();
    const keys = [group?.thumbnailUrl1, group?.thumbnailUrl2] as string[];
    expect(keys.every(stored)).toBe(true);
    const body = (await detail(res.body.groupId)).body.data;
    expect(body.thumbnailUrl1).toBe(`${file.ctx.config.images.baseUrl}/w_758/${keys[0]}`);
    expect(body.thumbnailUrl2).toBe(`${file.ctx.config.images.baseUrl}/w_758/${keys[1]}`);
    expect(body.thumbnailUrl3).toBeNull();
  });

  it('Stores no image when the post is refused', async () => {
    const { today } = file.calendar.window();
    const host = await member(file.ctx);
    const before = storedCount();
    const res = await postGroup(
      file.ctx,
      host.headers,
      createFields(today, { standbyTime: '01:00' }),
      [{ buffer: await png(64, 64), name: 'a.png' }],
    );
    expect(res.status).toBe(400);
    expect(storedCount()).toBe(before);
  });

  it('Needs a signed-in user', async () => {
    const { at } = file.calendar.window();
    const res = await postGroup(file.ctx, GUEST, createFields(at(2)));
    expect(res.status).toBe(401);
    expect(res.body.success).toBe(false);
  });
});

/** The SPA's edit form (contract #29): no chattingRoom/location/distance/mapLatLng. */
function editForm(date: string, overrides: Record<string, string> = {}) {
  return {
    title: '수정한 제목',
    maxPeople: '8',
    date,
    standbyTime: '07:00:00',
    startTime: 'undefined',
    finishTime: 'undefined',
    parking: '없음',
    speed: `6'00" km/h`,
    baggage: '없음',
    content: '수정한 내용',
    thema: '공원',
    ...overrides,
  };
}

function patchGroup(groupId: string, headers: Record<string, string>, fields: object) {
  const req = request(file.ctx.app).patch(`/group/${groupId}`).set(headers);
  for (const [name, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) req.field(name, v);
  }
  return req;
}

describe('PATCH /group/:groupId', () => {
  it('Applies the SPA form: absent and "undefined" fields stay, the time slot follows the time', async () => {
    const { at } = file.calendar.window();
    const host = await member(file.ctx);
    const group = await makeGroup(host.user, {
      date: at(5),
      standbyTime: '19:00:00',
      timecode: 5,
    });
    const res = await patchGroup(group.groupId, host.headers, editForm(at(6)));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, message: GROUP.updated });
    const after = await Group.findByPk(group.groupId);
    expect(after?.toJSON()).toMatchObject({
      title: '수정한 제목',
      maxPeople: 8,
      date: at(6),
      standbyTime: '07:00:00',
      timecode: 2,
      thema: '공원',
      content: '수정한 내용',
      // Not sent by the SPA: unchanged.
      finishTime: group.finishTime,
      chattingRoom: group.chattingRoom,
      location: group.location,
      distance: group.distance,
      mapLatLng: group.mapLatLng,
      region: group.region,
    });
  });

  it('Updates a field sent alone and recomputes the region from a new address', async () => {
    const { at } = file.calendar.window();
    const host = await member(file.ctx);
    const group = await makeGroup(host.user, { date: at(5) });
    const res = await patchGroup(group.groupId, host.headers, { location: '부산 해운대구 우동' });
    expect(res.status).toBe(200);
    const after = await Group.findByPk(group.groupId);
    expect([after?.location, after?.region, after?.title]).toEqual([
      '부산 해운대구 우동',
      7,
      group.title,
    ]);
  });

  it('Refuses anyone but the host, changing nothing and notifying nobody', async () => {
    const { at } = file.calendar.window();
    const host = await member(file.ctx);
    const other = await member(file.ctx);
    const group = await makeGroup(host.user, { date: at(5) });
    const res = await patchGroup(group.groupId, other.headers, editForm(at(5)));
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ success: false, message: GROUP.notHostUpdate });
    expect((await Group.findByPk(group.groupId))?.title).toBe(group.title);
    expect(await Alarm.count({ where: { groupId: group.groupId } })).toBe(0);
  });

  it('Answers 404 for a run that does not exist', async () => {
    const host = await member(file.ctx);
    const res = await patchGroup('no-such-group', host.headers, { title: '새 제목입니다' });
    expect(res.status).toBe(404);
    expect(res.body.message).toBe(GROUP.notFound);
  });

  it('Refuses edits once the run has started', async () => {
    const { today } = file.calendar.window();
    const host = await member(file.ctx);
    const group = await makeGroup(host.user, { date: today, standbyTime: '09:00:00' });
    file.calendar.set(today, '09:00:00');
    const res = await patchGroup(group.groupId, host.headers, { content: '늦은 수정' });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(GROUP.updateStarted);
  });

  it('Lets the host correct a run that keeps its time until it starts, but moves it only six hours ahead', async () => {
    const { today } = file.calendar.window();
    const host = await member(file.ctx);
    const group = await makeGroup(host.user, { date: today, standbyTime: '10:00:00' });
    file.calendar.set(today, '08:00:00');
    const kept = await patchGroup(
      group.groupId,
      host.headers,
      editForm(today, { standbyTime: '10:00' }),
    );
    expect(kept.status).toBe(200);
    const tooSoon = await patchGroup(group.groupId, host.headers, { standbyTime: '13:59' });
    expect(tooSoon.status).toBe(400);
    expect(tooSoon.body.message).toBe(GROUP.updateTooSoon);
    const moved = await patchGroup(group.groupId, host.headers, { standbyTime: '14:00' });
    expect(moved.status).toBe(200);
    expect((await Group.findByPk(group.groupId))?.standbyTime).toBe('14:00:00');
  });

  it('Does not let maxPeople fall below the current applicants', async () => {
    const { at } = file.calendar.window();
    const host = await member(file.ctx);
    const group = await makeGroup(host.user, { date: at(5), maxPeople: 5 });
    const [a, b] = [await member(file.ctx), await member(file.ctx)];
    await apply(group.groupId, a.user, b.user);
    const below = await patchGroup(group.groupId, host.headers, { maxPeople: '2' });
    expect(below.status).toBe(409);
    expect(below.body.message).toBe(GROUP.maxPeopleBelowApplicants);
    expect((await Group.findByPk(group.groupId))?.maxPeople).toBe(5);
    const equal = await patchGroup(group.groupId, host.headers, { maxPeople: '3' });
    expect(equal.status).toBe(200);
  });

  it('Sends an update alarm with the old title to every applicant, the host included', async () => {
    const { at } = file.calendar.window();
    const host = await member(file.ctx);
    const runner = await member(file.ctx);
    const group = await makeGroup(host.user, { date: at(5) });
    await apply(group.groupId, runner.user);
    await patchGroup(group.groupId, host.headers, editForm(at(5)));
    const alarms = await Alarm.findAll({ where: { groupId: group.groupId } });
    expect(alarms.map((a) => [a.userId, a.category, a.groupTitle]).sort()).toEqual(
      [
        [host.user.userId, 'update', group.title],
        [runner.user.userId, 'update', group.title],
      ].sort(),
    );
  });

  it('Keeps the images the SPA sends back, adds new ones after them and deletes the rest', async () => {
    const { at } = file.calendar.window();
    const host = await member(file.ctx);
    const created = await postGroup(file.ctx, host.headers, createFields(at(4)), [
      { buffer: await png(50, 50), name: 'a.png' },
      { buffer: await png(60, 60), name: 'b.png' },
    ]);
    const before = (await detail(created.body.groupId)).body.data;
    const [a, b] = [before.thumbnailUrl1, before.thumbnailUrl2].map((url: string) =>
      keyFromImageUrl(file.ctx.config, url),
    ) as string[];
    const req = request(file.ctx.app)
      .patch(`/group/${created.body.groupId}`)
      .set(host.headers)
      .field('thumbnailUrl', before.thumbnailUrl2)
      .field('title', '사진 바꾼 러닝')
      .attach('thumbnail', await png(70, 70), 'c.png');
    expect((await req).status).toBe(200);
    const after = await Group.findByPk(created.body.groupId);
    expect(after?.thumbnailUrl1).toBe(b);
    expect(after?.thumbnailUrl2).toEqual(expect.any(String));
    expect(after?.thumbnailUrl3).toBeNull();
    await file.ctx.images.settled(); // unused images go after the answer
    expect(stored(b) && stored(after?.thumbnailUrl2 as string)).toBe(true);
    expect(stored(a)).toBe(false);
  });

  it('Refuses more than three images and stores none of the new ones', async () => {
    const { at } = file.calendar.window();
    const host = await member(file.ctx);
    const created = await postGroup(file.ctx, host.headers, createFields(at(4)), [
      { buffer: await png(50, 50), name: 'a.png' },
      { buffer: await png(60, 60), name: 'b.png' },
    ]);
    const data = (await detail(created.body.groupId)).body.data;
    const before = storedCount();
    const res = await request(file.ctx.app)
      .patch(`/group/${created.body.groupId}`)
      .set(host.headers)
      .field('thumbnailUrl', data.thumbnailUrl1)
      .field('thumbnailUrl', data.thumbnailUrl2)
      .attach('thumbnail', await png(70, 70), 'c.png')
      .attach('thumbnail', await png(71, 71), 'd.png');
    expect(res.status).toBe(400);
    expect(storedCount()).toBe(before);
  });
});

describe('DELETE /group/:groupId', () => {
  it('Refuses anyone but the host', async () => {
    const { at } = file.calendar.window();
    const host = await member(file.ctx);
    const other = await member(file.ctx);
    const group = await makeGroup(host.user, { date: at(3) });
    const res = await request(file.ctx.app).delete(`/group/${group.groupId}`).set(other.headers);
    expect(res.status).toBe(403);
    expect(res.body.message).toBe(GROUP.notHostDelete);
    expect(await Group.count({ where: { groupId: group.groupId } })).toBe(1);
  });

  it('Deletes the run with its applications, comments and images, and tells every applicant', async () => {
    const { at } = file.calendar.window();
    const host = await member(file.ctx);
    const runner = await member(file.ctx);
    const created = await postGroup(file.ctx, host.headers, createFields(at(4)), [
      { buffer: await png(50, 50), name: 'a.png' },
    ]);
    const { groupId } = created.body;
    const key = (await Group.findByPk(groupId))?.thumbnailUrl1 as string;
    await apply(groupId, runner.user);
    await Comment.create({ groupId, courseId: null, userId: runner.user.userId, content: '가요' });

    const res = await request(file.ctx.app).delete(`/group/${groupId}`).set(host.headers);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, message: GROUP.deleted });
    expect(await Group.count({ where: { groupId } })).toBe(0);
    expect(await Applier.count({ where: { groupId } })).toBe(0);
    expect(await Comment.count({ where: { groupId } })).toBe(0);
    await file.ctx.images.settled(); // unused images go after the answer
    expect(stored(key)).toBe(false);
    const alarms = await Alarm.findAll({ where: { groupId } });
    expect(alarms.map((a) => [a.userId, a.category, a.groupTitle]).sort()).toEqual(
      [
        [host.user.userId, 'delete', '한강 야간 러닝'],
        [runner.user.userId, 'delete', '한강 야간 러닝'],
      ].sort(),
    );
  });
});

describe('GET /group/detail/:groupId', () => {
  it('Returns every field of the contract in its format', async () => {
    const { today, at } = file.calendar.window();
    const host = await member(file.ctx, { userLevel: '블루', mannerPoint: 62 });
    const runner = await member(file.ctx);
    const group = await makeGroup(host.user, {
      date: at(3),
      standbyTime: '07:05:00',
      title: '세빛둥둥섬 10k',
      distance: 11.82,
      parking: '공영주차장',
      content: '함께 달려요',
      createdAt: new Date(`${today}T00:00:00+09:00`),
    });
    await apply(group.groupId, runner.user);

    const res = await detail(group.groupId, runner.headers);
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    expect(res.body.data).toEqual({
      groupId: group.groupId,
      userId: host.user.userId,
      mapLatLng: ROUTE,
      thumbnailUrl1: expect.stringMatching(/\/groupthumbnail\/.+\.png$/),
      thumbnailUrl2: null,
      thumbnailUrl3: null,
      title: '세빛둥둥섬 10k',
      maxPeople: 10,
      date: at(3),
      standbyTime: '07:05:00',
      finishTime: '23:00:00',
      distance: 11.82,
      speed: `5'30" km/h`,
      location: '서울 영등포구 여의도동 84-4',
      parking: '공영주차장',
      baggage: null,
      content: '함께 달려요',
      region: 1,
      timecode: 2,
      thema: '강변',
      chattingRoom: 'https://open.kakao.com/o/abc',
      createdAt: `${today} 00:00:00`,
      applyState: true,
      applyEndTime: '3 일',
      Appliers: [
        {
          userId: host.user.userId,
          nickname: host.user.nickname,
          profileUrl: host.user.profileUrl,
        },
        {
          userId: runner.user.userId,
          nickname: runner.user.nickname,
          profileUrl: runner.user.profileUrl,
        },
      ],
      nickname: host.user.nickname,
      profileUrl: host.user.profileUrl,
      userLevel: '블루',
      mannerPoint: 62,
      datetime: expect.stringMatching(/^\d{4}년 \d{2}월 \d{2}일 [일월화수목금토]요일 07시 05분$/),
      // Ours (see README, "Waitlist"): nobody waits, the viewer included.
      waitingCount: 0,
      waitlistPosition: null,
    });
    const [y, m, d] = at(3).split('-');
    expect(res.body.data.datetime.startsWith(`${y}년 ${m}월 ${d}일`)).toBe(true);
  });

  it('Gives guests and non-applicants applyState false and no open-chat link', async () => {
    const { at } = file.calendar.window();
    const host = await member(file.ctx);
    const stranger = await member(file.ctx);
    const group = await makeGroup(host.user, { date: at(2) });
    for (const headers of [GUEST, {}, stranger.headers]) {
      const res = await detail(group.groupId, headers);
      expect(res.status).toBe(200);
      expect([res.body.data.applyState, res.body.data.chattingRoom]).toEqual([false, '']);
    }
  });

  it('Answers 404 with the original message for an unknown run', async () => {
    const res = await detail('00000000-0000-4000-8000-000000000000');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ success: false, message: GROUP.notFound });
  });

  it('Reads a legacy route that is not an array as an empty one', async () => {
    const { at } = file.calendar.window();
    const host = await member(file.ctx);
    const group = await makeGroup(host.user, { date: at(2), mapLatLng: 'garbage' });
    expect((await detail(group.groupId)).body.data.mapLatLng).toEqual([]);
  });
});
