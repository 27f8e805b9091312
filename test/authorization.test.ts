import fs from 'node:fs';
import request from 'supertest';
import {
  Alarm,
  Applier,
  Bookmark,
  Comment,
  Course,
  Group,
  Recomment,
  StarPoint,
  User,
} from '../src/db/models';
import {
  GUEST,
  apply,
  createFields,
  makeGroup,
  member,
  useCalendarContext,
  type Member,
} from './support/groups';
import { courseForm, makeCourse, multipart } from './support/courses';
import { GROUP } from '../src/groups/messages';
import { COURSE } from '../src/courses/messages';
import * as processing from '../src/uploads/processing';
import { png } from './support/images';

/**
 * Who may do what: every write endpoint against four callers. A refusal must leave the
 * database as it was (compared with a snapshot of the rows the request could touch).
 */

type Role = 'guest' | 'other' | 'owner' | 'applicant';
const ROLES: Role[] = ['guest', 'other', 'owner', 'applicant'];

// This file's own image folder (ctx.imageDir): what a request stored is all that is in it.
const file = useCalendarContext({
  config: (base) => ({ images: { ...base.images, s3: null } }),
  ownImageDir: true,
});

/**
 * The group list tests read 100 upcoming runs at a time from the shared database: this file's
 * runs and courses are removed after each test so they never crowd another file's page.
 */
let current: World | undefined;
afterEach(async () => {
  if (!current) return;
  const userId = [current.owner, current.applicant, current.other].map((m) => m.user.userId);
  await Group.destroy({ where: { userId } });
  await Course.destroy({ where: { userId } });
  current = undefined;
});

interface World {
  owner: Member;
  applicant: Member;
  other: Member;
  /** A run in the future (edit, apply) or one that has finished (attendance, evaluation). */
  group: Group;
  course: Course;
  comment: Comment;
  recomment: Recomment;
  at: (days: number) => string;
}

/** future: the run is in ten days; starting: it starts in half an hour; finished: two days ago. */
type Phase = 'future' | 'starting' | 'finished';

async function world(phase: Phase = 'future'): Promise<World> {
  const { at } = file.calendar.window();
  const [owner, applicant, other] = [
    await member(file.ctx),
    await member(file.ctx),
    await member(file.ctx),
  ];
  const group = await makeGroup(owner.user, {
    date: phase === 'future' ? at(10) : at(0),
    standbyTime: '10:00:00',
  });
  await apply(group.groupId, applicant.user);
  if (phase === 'starting') file.calendar.set(at(0), '09:30:00');
  if (phase === 'finished') file.calendar.set(at(2), '12:00:00');
  // Out of regions 8 and 9, which the feed tests own.
  const course = await makeCourse(owner.user, {
    region: 1,
    location: '서울 중구 남산공원길 105',
  });
  const comment = await Comment.create({
    groupId: group.groupId,
    courseId: null,
    userId: owner.user.userId,
    content: '주인의 댓글',
  });
  const recomment = await Recomment.create({
    commentId: comment.commentId,
    userId: owner.user.userId,
    content: '주인의 답글',
  });
  await Alarm.create({ userId: owner.user.userId, category: 'apply', check: false });
  current = { owner, applicant, other, group, course, comment, recomment, at };
  return current;
}

const plain = (rows: Array<{ get(o: { plain: true }): unknown } | null>) =>
  JSON.stringify(rows.map((r) => (r ? r.get({ plain: true }) : null)));

/** Every row a write in this table could change, as of now. */
async function snapshot(w: World): Promise<string> {
  const groupId = w.group.groupId;
  const courseId = w.course.courseId;
  const users = [w.owner, w.applicant, w.other].map((m) => m.user.userId);
  return [
    plain([await Group.findByPk(groupId)]),
    plain(await Applier.findAll({ where: { groupId }, order: [['userId', 'ASC']] })),
    plain([await Course.findByPk(courseId)]),
    plain(await Bookmark.findAll({ where: { courseId } })),
    plain(await StarPoint.findAll({ where: { courseId } })),
    plain(await Comment.findAll({ where: { groupId }, order: [['commentId', 'ASC']] })),
    plain(await Recomment.findAll({ where: { commentId: w.comment.commentId } })),
    plain(await User.findAll({ where: { userId: users }, order: [['userId', 'ASC']] })),
    plain(await Alarm.findAll({ where: { userId: users }, order: [['alarmId', 'ASC']] })),
    String(await Group.count({ where: { userId: users } })),
    String(await Course.count({ where: { userId: users } })),
  ].join('\n');
}

const sendAsSpa = (req: request.Test, body: object) =>
  req.set('Content-Type', 'multipart/form-data').send(JSON.stringify(body));

interface Case {
  name: string;
  phase?: Phase;
  send: (w: World, headers: Record<string, string>) => request.Test | Promise<request.Test>;
  expected: Record<Role, number>;
}

const api = () => request(file.ctx.app);

const CASES: Case[] = [
  // Groups
  {
    name: 'POST /group (create)',
    send: (w, h) => {
      const req = api().post('/group').set(h);
      for (const [k, v] of Object.entries(createFields(w.at(5)))) req.field(k, v);
      return req;
    },
    expected: { guest: 401, other: 201, owner: 201, applicant: 201 },
  },
  {
    name: 'PATCH /group/:groupId (edit)',
    send: (w, h) => api().patch(`/group/${w.group.groupId}`).set(h).field('title', '바뀐 제목'),
    expected: { guest: 401, other: 403, owner: 200, applicant: 403 },
  },
  {
    name: 'DELETE /group/:groupId',
    send: (w, h) => api().delete(`/group/${w.group.groupId}`).set(h),
    expected: { guest: 401, other: 403, owner: 200, applicant: 403 },
  },
  {
    name: 'POST /group/:groupId/apply',
    send: (w, h) => api().post(`/group/${w.group.groupId}/apply`).set(h),
    expected: { guest: 401, other: 200, owner: 400, applicant: 200 },
  },
  {
    name: 'PATCH /group/attendance/:groupId',
    phase: 'starting',
    send: (w, h) =>
      sendAsSpa(api().patch(`/group/attendance/${w.group.groupId}`).set(h), {
        attendance: [0],
      }),
    expected: { guest: 401, other: 403, owner: 200, applicant: 403 },
  },
  {
    name: 'PATCH /group/evaluation/:groupId',
    phase: 'finished',
    send: (w, h) =>
      sendAsSpa(api().patch(`/group/evaluation/${w.group.groupId}`).set(h), {
        point: 1,
        evaluationCategory: 1,
      }),
    expected: { guest: 401, other: 403, owner: 403, applicant: 200 },
  },
  // Courses
  {
    name: 'POST /course (create)',
    send: (_w, h) => multipart(api().post('/course').set(h), courseForm(), 1),
    expected: { guest: 401, other: 201, owner: 201, applicant: 201 },
  },
  {
    name: 'PATCH /course/:courseId (edit)',
    send: (w, h) => api().patch(`/course/${w.course.courseId}`).set(h).field('title', '바뀐 코스'),
    expected: { guest: 401, other: 403, owner: 200, applicant: 403 },
  },
  {
    name: 'DELETE /course/:courseId',
    send: (w, h) => api().delete(`/course/${w.course.courseId}`).set(h),
    expected: { guest: 401, other: 403, owner: 200, applicant: 403 },
  },
  {
    name: 'PATCH /course/:courseId/bookmark',
    send: (w, h) => api().patch(`/course/${w.course.courseId}/bookmark`).set(h),
    expected: { guest: 401, other: 200, owner: 200, applicant: 200 },
  },
  {
    name: 'PATCH /course/:courseId/starPoint',
    send: (w, h) =>
      api().patch(`/course/${w.course.courseId}/starPoint`).set(h).send({ myStarPoint: 4 }),
    expected: { guest: 401, other: 200, owner: 403, applicant: 200 },
  },
  // Comments and replies
  {
    name: 'POST /comment/group/:groupId',
    send: (w, h) =>
      api().post(`/comment/group/${w.group.groupId}`).set(h).send({ content: '새 댓글' }),
    expected: { guest: 401, other: 201, owner: 201, applicant: 201 },
  },
  {
    name: 'PATCH /comment/:commentId',
    send: (w, h) => api().patch(`/comment/${w.comment.commentId}`).set(h).send({ content: '고침' }),
    expected: { guest: 401, other: 403, owner: 200, applicant: 403 },
  },
  {
    name: 'DELETE /comment/:commentId',
    send: (w, h) => api().delete(`/comment/${w.comment.commentId}`).set(h),
    expected: { guest: 401, other: 403, owner: 200, applicant: 403 },
  },
  {
    name: 'POST /recomment/:commentId',
    send: (w, h) =>
      api().post(`/recomment/${w.comment.commentId}`).set(h).send({ content: '새 답글' }),
    expected: { guest: 401, other: 201, owner: 201, applicant: 201 },
  },
  {
    name: 'PATCH /recomment/:recommentId',
    send: (w, h) =>
      api().patch(`/recomment/${w.recomment.recommentId}`).set(h).send({ content: '고친 답글' }),
    expected: { guest: 401, other: 403, owner: 200, applicant: 403 },
  },
  {
    name: 'DELETE /recomment/:recommentId',
    send: (w, h) => api().delete(`/recomment/${w.recomment.recommentId}`).set(h),
    expected: { guest: 401, other: 403, owner: 200, applicant: 403 },
  },
  // The caller's own account: any signed-in user may, and it only ever touches their own rows.
  {
    name: 'PATCH /auth/updateUser',
    send: (_w, h) => api().patch('/auth/updateUser').set(h).field('bio', '새 소개'),
    expected: { guest: 401, other: 200, owner: 200, applicant: 200 },
  },
  {
    name: 'PATCH /auth/userLike',
    send: (_w, h) =>
      api()
        .patch('/auth/userLike')
        .set(h)
        .send({ likeLocation: '2', likeDistance: '3', userLevel: '퍼플' }),
    expected: { guest: 401, other: 200, owner: 200, applicant: 200 },
  },
  {
    name: 'PATCH /alarm',
    send: (_w, h) => api().patch('/alarm').set(h),
    expected: { guest: 401, other: 200, owner: 200, applicant: 200 },
  },
  {
    name: 'DELETE /user/logout',
    send: (_w, h) => api().delete('/user/logout').set(h),
    expected: { guest: 401, other: 200, owner: 200, applicant: 200 },
  },
  {
    name: 'DELETE /user/delete',
    send: (_w, h) => api().delete('/user/delete').set(h),
    expected: { guest: 401, other: 200, owner: 200, applicant: 200 },
  },
  {
    name: 'POST /user/message',
    send: (_w, h) =>
      api()
        .post('/user/message')
        .set(h)
        .send({ tel: `010${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}` }),
    expected: { guest: 401, other: 200, owner: 200, applicant: 200 },
  },
  {
    name: 'POST /user/verify (wrong code)',
    send: (_w, h) => api().post('/user/verify').set(h).send({ tel: '01012345678', code: '000000' }),
    expected: { guest: 401, other: 400, owner: 400, applicant: 400 },
  },
];

/** What each role's request changes may only be its own: these rows are the owner's. */
const OWNER_ONLY_ROWS = new Set([
  'PATCH /auth/updateUser',
  'PATCH /auth/userLike',
  'PATCH /alarm',
  'DELETE /user/delete',
]);

describe.each(CASES)('$name', ({ send, expected, phase, name }) => {
  it.each(ROLES)('as %s', async (role) => {
    const w = await world(phase);
    const ownerBefore = (await User.findByPk(w.owner.user.userId))?.get({ plain: true });
    const headers = role === 'guest' ? GUEST : w[role].headers;
    const before = await snapshot(w);
    const res = await send(w, headers);
    expect({ role, status: res.status }).toEqual({ role, status: expected[role] });
    if (res.status >= 400) {
      expect(res.body).toEqual({ success: false, message: expect.any(String) });
      expect(await snapshot(w)).toBe(before);
    }
    if (OWNER_ONLY_ROWS.has(name) && role !== 'owner') {
      // Another user's request about "my account" never reaches the owner's rows.
      const owner = await User.findByPk(w.owner.user.userId);
      expect(owner?.get({ plain: true })).toEqual(ownerBefore);
      expect(await Alarm.count({ where: { userId: w.owner.user.userId, check: false } })).toBe(1);
    }
  });
});

describe('an edit with images, refused before any file is read', () => {
  let prepared: jest.SpyInstance;
  beforeEach(() => {
    prepared = jest.spyOn(processing, 'prepareImage');
  });
  afterEach(() => {
    prepared.mockRestore();
  });

  const storedFiles = () =>
    fs.readdirSync(file.ctx.imageDir, { recursive: true, encoding: 'utf8' }).sort();

  /** Three photos with the edit, as the SPA sends a post's images. */
  async function withImages(req: request.Test, field: string): Promise<request.Test> {
    const image = await png(640, 480);
    for (let i = 0; i < 3; i += 1) req.attach(field, image, `photo${i}.png`);
    return req;
  }

  const EDITS = [
    {
      name: 'PATCH /group/:groupId',
      send: (id: string, h: Record<string, string>) =>
        withImages(
          api().patch(`/group/${id}`).set(h).field('title', '남의 글 고치기'),
          'thumbnail',
        ),
      id: (w: World) => String(w.group.groupId),
      notFound: GROUP.notFound,
      forbidden: GROUP.notHostUpdate,
    },
    {
      name: 'PATCH /course/:courseId',
      send: (id: string, h: Record<string, string>) =>
        withImages(api().patch(`/course/${id}`).set(h).field('title', '남의 코스'), 'courseImage'),
      id: (w: World) => String(w.course.courseId),
      notFound: COURSE.notFound,
      forbidden: COURSE.notAuthorUpdate,
    },
  ];

  it.each(EDITS)(
    "$name: someone else's edit answers 403 without preparing or storing an image",
    async ({ send, id, forbidden }) => {
      const w = await world();
      const before = await snapshot(w);
      const files = storedFiles();
      for (const role of ['other', 'applicant'] as const) {
        const res = await send(id(w), w[role].headers);
        expect({ role, status: res.status, body: res.body }).toEqual({
          role,
          status: 403,
          body: { success: false, message: forbidden },
        });
      }
      expect(prepared).not.toHaveBeenCalled();
      expect(storedFiles()).toEqual(files);
      expect(await snapshot(w)).toBe(before);
    },
  );

  it.each(EDITS)(
    '$name: an edit of a post that does not exist answers 404 without preparing an image',
    async ({ send, id, notFound }) => {
      const w = await world();
      const missing = id(w);
      await Group.destroy({ where: { groupId: w.group.groupId } });
      await Course.destroy({ where: { courseId: w.course.courseId } });
      const files = storedFiles();
      const res = await send(missing, w.owner.headers);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ success: false, message: notFound });
      expect(prepared).not.toHaveBeenCalled();
      expect(storedFiles()).toEqual(files);
    },
  );

  it.each(EDITS)(
    "$name: the owner's edit with images still prepares and stores them",
    async ({ send, id }) => {
      const w = await world();
      const files = storedFiles();
      const res = await send(id(w), w.owner.headers);
      expect(res.status).toBe(200);
      expect(prepared).toHaveBeenCalledTimes(3);
      // Three new images, each an original and two variants.
      expect(storedFiles().filter((f) => !files.includes(f) && f.endsWith('.webp'))).toHaveLength(
        9,
      );
    },
  );
});
