import request from 'supertest';
import { AUTH } from '../src/auth/messages';
import { COMMENT, CONTENT_MAX_LENGTH, RECOMMENT } from '../src/comments/messages';
import { Alarm, Comment, Recomment, type User } from '../src/db/models';
import { authHeaders, useTestContext, signIn, type TestContext } from './support/context';
import { countQueries, makeCourseRow, makeGroupRow } from './support/comments';
import { makeUser } from './support/users';

let ctx: TestContext;

useTestContext((c) => {
  ctx = c;
});
afterEach(() => {
  ctx.clock.reset();
});

const GUEST = authHeaders({});
const headers = new Map<string, Record<string, string>>();
async function as(user: User) {
  if (!headers.has(user.userId)) headers.set(user.userId, authHeaders(await signIn(ctx, user)));
  return headers.get(user.userId) as Record<string, string>;
}

const api = () => request(ctx.app);
const postComment = async (user: User, path: string, content: unknown) =>
  api()
    .post(`/comment/${path}`)
    .set(await as(user))
    .send({ content });
const postReply = async (user: User, commentId: string, content: unknown) =>
  api()
    .post(`/recomment/${commentId}`)
    .set(await as(user))
    .send({ content });
const author = (user: User) => ({
  userId: user.userId,
  nickname: user.nickname,
  profileUrl: user.profileUrl,
  userLevel: user.userLevel,
});

/** A group run by `host` with comments by a, b and the host, one minute apart, and replies. */
async function thread() {
  const [host, a, b] = [await makeUser(), await makeUser(), await makeUser()];
  const group = await makeGroupRow(host);
  const { clock } = ctx;
  clock.set('2026-05-01T03:00:00Z');
  const path = `group/${group.groupId}`;
  const c1 = (await postComment(a, path, '첫 댓글')).body.data[0].commentId as string;
  clock.advance(60);
  const c2 = (await postComment(b, path, '두번째')).body.data[1].commentId as string;
  clock.advance(60);
  const c3 = (await postComment(host, path, '호스트')).body.data[2].commentId as string;
  clock.advance(60);
  await postReply(b, c1, '답글 1');
  clock.advance(60);
  await postReply(host, c2, '답글 2');
  clock.advance(60);
  await postReply(a, c1, '답글 3');
  clock.advance(60);
  return { host, a, b, group, path, c1, c2, c3, clock };
}

describe('Comments on a group run', () => {
  it('Lists every comment oldest first with exactly the contract fields, for guests too', async () => {
    const { host, a, b, group, path, c1, c2, c3 } = await thread();
    const expected = [
      [c1, a, '첫 댓글', '6분 전', 2],
      [c2, b, '두번째', '5분 전', 1],
      [c3, host, '호스트', '4분 전', 0],
    ].map(([commentId, user, content, createdAt, recommentCount]) => ({
      commentId,
      groupId: group.groupId,
      courseId: null,
      content,
      createdAt,
      user: author(user as User),
      recommentCount,
    }));
    for (const guest of [GUEST, {}]) {
      const res = await api().get(`/comment/${path}`).set(guest);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ success: true, data: expected });
    }
  });

  it('Answers a new comment with the full refreshed list, the new one last', async () => {
    const { b, path, c1, c2, c3 } = await thread();
    const res = await postComment(b, path, '  새 댓글  ');
    expect(res.status).toBe(201);
    expect(res.body.success).toBe(true);
    expect(res.body.data.map((c: { commentId: string }) => c.commentId).slice(0, 3)).toEqual([
      c1,
      c2,
      c3,
    ]);
    expect(res.body.data).toHaveLength(4);
    expect(res.body.data[3]).toMatchObject({ content: '새 댓글', createdAt: '방금 전' });
  });

  it('Lets only the author edit, answering the list with the original message', async () => {
    const { a, b, c1, c2 } = await thread();
    const other = await api()
      .patch(`/comment/${c1}`)
      .set(await as(b))
      .send({ content: '가로채기' });
    expect(other.status).toBe(403);
    expect(other.body).toEqual({ success: false, message: COMMENT.notAuthorUpdate });
    expect((await Comment.findByPk(c1))?.content).toBe('첫 댓글');

    const res = await api()
      .patch(`/comment/${c1}`)
      .set(await as(a))
      .send({ content: '고친 댓글' });
    expect(res.status).toBe(200);
    expect(res.body.message).toBe(COMMENT.updated);
    expect(res.body.data.map((c: { commentId: string }) => c.commentId)).toEqual(
      expect.arrayContaining([c1, c2]),
    );
    expect(res.body.data[0]).toMatchObject({ commentId: c1, content: '고친 댓글' });
  });

  it('Lets only the author delete, and the replies go with the comment', async () => {
    const { a, b, path, c1, c2 } = await thread();
    const other = await api()
      .delete(`/comment/${c1}`)
      .set(await as(b));
    expect(other.status).toBe(403);
    expect(other.body).toEqual({ success: false, message: COMMENT.notAuthorDelete });

    const res = await api()
      .delete(`/comment/${c1}`)
      .set(await as(a));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, message: COMMENT.deleted });
    expect(await Comment.count({ where: { commentId: c1 } })).toBe(0);
    expect(await Recomment.count({ where: { commentId: c1 } })).toBe(0);
    expect(await Recomment.count({ where: { commentId: c2 } })).toBe(1);
    const list = await api().get(`/comment/${path}`).set(GUEST);
    expect(list.body.data.map((c: { commentId: string }) => c.commentId)).not.toContain(c1);
  });

  it('Answers 404 with the original messages for an unknown comment or post', async () => {
    const user = await makeUser();
    for (const res of [
      await api()
        .patch('/comment/nope')
        .set(await as(user))
        .send({ content: 'x' }),
      await api()
        .delete('/comment/nope')
        .set(await as(user)),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ success: false, message: COMMENT.notFound });
    }
    for (const res of [
      await api().get('/comment/group/nope').set(GUEST),
      await api().get('/comment/course/nope').set(GUEST),
      await postComment(user, 'group/nope', '안녕'),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ success: false, message: COMMENT.postNotFound });
    }
  });

  it('Lists a run or a course without comments as an empty list, also once its last one is gone', async () => {
    const user = await makeUser();
    const [run, course] = [await makeGroupRow(user), await makeCourseRow(user)];
    for (const path of [`group/${run.groupId}`, `course/${course.courseId}`]) {
      const before = await api().get(`/comment/${path}`).set(GUEST);
      expect(before.status).toBe(200);
      expect(before.body).toEqual({ success: true, data: [] });
      const posted = await postComment(user, path, '곧 지울 댓글');
      const deleted = await api()
        .delete(`/comment/${posted.body.data[0].commentId as string}`)
        .set(await as(user));
      expect(deleted.status).toBe(200);
      const after = await api().get(`/comment/${path}`).set(GUEST);
      expect(after.body).toEqual({ success: true, data: [] });
    }
  });

  it('Validates content: present, not blank, a string, at most the limit (trimmed first)', async () => {
    const user = await makeUser();
    const group = await makeGroupRow(user);
    const path = `group/${group.groupId}`;
    const tooLong = 'ㄱ'.repeat(CONTENT_MAX_LENGTH + 1);
    for (const [content, message] of [
      [undefined, COMMENT.contentMissing],
      ['', COMMENT.contentMissing],
      ['   \n ', COMMENT.contentMissing],
      [123, COMMENT.contentMissing],
      [tooLong, COMMENT.contentTooLong],
    ] as const) {
      const res = await postComment(user, path, content);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ success: false, message });
    }
    expect(COMMENT.contentTooLong).toBe('댓글은 1000자 이하로 입력해주세요');
    expect(await Comment.count({ where: { groupId: group.groupId } })).toBe(0);

    // Emoji count as one character each; surrounding spaces do not count.
    const atLimit = ` ${'🏃'.repeat(CONTENT_MAX_LENGTH)} `;
    const res = await postComment(user, path, atLimit);
    expect(res.status).toBe(201);
    expect(res.body.data[0].content).toBe(atLimit.trim());
  });

  it('Refuses an unknown category, after the content check as in the original', async () => {
    const user = await makeUser();
    const bad = await postComment(user, 'chat/x', '안녕');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ success: false, message: COMMENT.badCategory });
    const empty = await postComment(user, 'chat/x', '');
    expect(empty.body.message).toBe(COMMENT.contentMissing);
    const list = await api().get('/comment/chat/x').set(GUEST);
    expect(list.status).toBe(400);
    expect(list.body.message).toBe(COMMENT.badCategory);
  });

  it('Needs a signed-in user to write, with the messages the SPA turns into a login prompt', async () => {
    const group = await makeGroupRow(await makeUser());
    const noHeader = await api().post(`/comment/group/${group.groupId}`).send({ content: 'x' });
    expect(noHeader.status).toBe(401);
    expect(noHeader.body).toEqual({ success: false, message: AUTH.headerMissing });
    const guest = await api()
      .post(`/comment/group/${group.groupId}`)
      .set(GUEST)
      .send({ content: 'x' });
    expect(guest.status).toBe(401);
    expect(guest.body).toEqual({ success: false, message: AUTH.tokenInvalid });
    for (const res of [
      await api().patch('/comment/x').set(GUEST).send({ content: 'x' }),
      await api().delete('/comment/x').set(GUEST),
      await api().post('/recomment/x').set(GUEST).send({ content: 'x' }),
      await api().patch('/recomment/x').set(GUEST).send({ content: 'x' }),
      await api().delete('/recomment/x').set(GUEST),
    ]) {
      expect(res.status).toBe(401);
      expect(res.body.message).toBe(AUTH.tokenInvalid);
    }
  });

  it('Reads the list in a fixed number of queries, however many comments and replies', async () => {
    const { path, c1, a } = await thread();
    const small = await makeGroupRow(a);
    await postComment(a, `group/${small.groupId}`, '하나');
    const one = await countQueries(ctx.sequelize, () =>
      api().get(`/comment/group/${small.groupId}`).set(GUEST),
    );
    const many = await countQueries(ctx.sequelize, () => api().get(`/comment/${path}`).set(GUEST));
    expect(many).toBe(one);
    const replies = await countQueries(ctx.sequelize, () =>
      api().get(`/recomment/${c1}`).set(GUEST),
    );
    expect(replies).toBeLessThanOrEqual(2);
  });
});

describe('Comments on a course', () => {
  it('Lists and writes course comments; replies to them are refused with a clear message', async () => {
    const [writer, reader] = [await makeUser(), await makeUser()];
    const course = await makeCourseRow(writer);
    const res = await postComment(reader, `course/${course.courseId}`, '가보고 싶어요');
    expect(res.status).toBe(201);
    expect(res.body.data).toEqual([
      {
        commentId: expect.any(String),
        groupId: null,
        courseId: course.courseId,
        content: '가보고 싶어요',
        createdAt: '방금 전',
        user: author(reader),
        recommentCount: 0,
      },
    ]);
    const commentId = res.body.data[0].commentId;
    const alarmsBefore = await Alarm.count({ where: { userId: writer.userId } });
    const reply = await postReply(writer, commentId, '감사합니다');
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ success: false, message: RECOMMENT.onCourseComment });
    expect(await Recomment.count({ where: { commentId } })).toBe(0);
    expect(await Alarm.count({ where: { userId: writer.userId } })).toBe(alarmsBefore);
  });

  it("Still serves replies the original stored under a course comment, to their authors' edits", async () => {
    const [writer, reader] = [await makeUser(), await makeUser()];
    const course = await makeCourseRow(writer);
    const comment = await Comment.create({
      courseId: course.courseId,
      groupId: null,
      userId: reader.userId,
      content: '옛 댓글',
    });
    const old = await Recomment.create({
      commentId: comment.commentId,
      userId: writer.userId,
      content: '옛 답글',
    });
    const list = await api().get(`/recomment/${comment.commentId}`).set(GUEST);
    expect(list.body.data.map((r: { recommentId: string }) => r.recommentId)).toEqual([
      old.recommentId,
    ]);
    const edit = await api()
      .patch(`/recomment/${old.recommentId}`)
      .set(await as(writer))
      .send({ content: '고친 답글' });
    expect(edit.status).toBe(200);
    expect(edit.body.data[0].content).toBe('고친 답글');
  });
});

describe('Replies', () => {
  it("Lists every reply of the post's comments, oldest first, from any of its comments", async () => {
    const { host, a, b, c1, c2, c3 } = await thread();
    // A reply on another post must not leak in.
    const elsewhere = await makeGroupRow(a);
    const foreign = await postComment(a, `group/${elsewhere.groupId}`, '다른 글');
    await postReply(b, foreign.body.data[0].commentId, '다른 답글');

    const expected = [
      [c1, b, '답글 1', '3분 전'],
      [c2, host, '답글 2', '2분 전'],
      [c1, a, '답글 3', '1분 전'],
    ].map(([commentId, user, content, createdAt]) => ({
      recommentId: expect.any(String),
      commentId,
      content,
      createdAt,
      user: author(user as User),
    }));
    for (const commentId of [c1, c3]) {
      const res = await api().get(`/recomment/${commentId}`).set(GUEST);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ success: true, data: expected });
    }
  });

  it('Answers a new reply with the whole refreshed list of the post', async () => {
    const { b, c3 } = await thread();
    const res = await postReply(b, c3, ' 새 답글 ');
    expect(res.status).toBe(201);
    expect(res.body.data).toHaveLength(4);
    expect(res.body.data[3]).toMatchObject({ commentId: c3, content: '새 답글' });
  });

  it('Lets only the author edit or delete a reply, with the original messages', async () => {
    const { a, b, c1 } = await thread();
    const mine = (await api().get(`/recomment/${c1}`).set(GUEST)).body.data.find(
      (r: { user: { userId: string } }) => r.user.userId === a.userId,
    ).recommentId as string;

    const steal = await api()
      .patch(`/recomment/${mine}`)
      .set(await as(b))
      .send({ content: '가로채기' });
    expect(steal.status).toBe(403);
    expect(steal.body).toEqual({ success: false, message: RECOMMENT.notAuthorUpdate });
    const remove = await api()
      .delete(`/recomment/${mine}`)
      .set(await as(b));
    expect(remove.status).toBe(403);
    expect(remove.body).toEqual({ success: false, message: RECOMMENT.notAuthorDelete });

    const edit = await api()
      .patch(`/recomment/${mine}`)
      .set(await as(a))
      .send({ content: '고친 답글' });
    expect(edit.status).toBe(200);
    expect(edit.body.message).toBe(RECOMMENT.updated);
    expect(edit.body.data).toHaveLength(3);
    expect(
      edit.body.data.find((r: { recommentId: string }) => r.recommentId === mine),
    ).toMatchObject({ content: '고친 답글' });

    const gone = await api()
      .delete(`/recomment/${mine}`)
      .set(await as(a));
    expect(gone.body).toEqual({ success: true, message: RECOMMENT.deleted });
    expect(await Recomment.count({ where: { recommentId: mine } })).toBe(0);
    const list = await api().get(`/recomment/${c1}`).set(GUEST);
    expect(list.body.data).toHaveLength(2);
  });

  it('Answers 400 and 404 with the original messages', async () => {
    const { a, c1 } = await thread();
    const blank = await postReply(a, c1, '  ');
    expect(blank.status).toBe(400);
    expect(blank.body).toEqual({ success: false, message: RECOMMENT.contentMissing });
    const long = await postReply(a, c1, 'a'.repeat(CONTENT_MAX_LENGTH + 1));
    expect(long.body).toEqual({ success: false, message: RECOMMENT.contentTooLong });

    for (const res of [
      await api().get('/recomment/nope').set(GUEST),
      await postReply(a, 'nope', '안녕'),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ success: false, message: COMMENT.notFound });
    }
    for (const res of [
      await api()
        .patch('/recomment/nope')
        .set(await as(a))
        .send({ content: 'x' }),
      await api()
        .delete('/recomment/nope')
        .set(await as(a)),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ success: false, message: RECOMMENT.notFound });
    }
  });
});

describe('Relative times (Korea time, fixed clock)', () => {
  it.each([
    ['2026-05-01T00:00:59Z', '방금 전'],
    ['2026-05-01T00:01:00Z', '1분 전'],
    ['2026-05-01T00:59:59Z', '59분 전'],
    ['2026-05-01T01:00:00Z', '1시간 전'],
    ['2026-05-01T23:59:59Z', '23시간 전'],
    ['2026-05-02T00:00:00Z', '1일 전'],
    ['2026-05-07T23:59:59Z', '6일 전'],
    ['2026-05-08T00:00:00Z', '5월 1일'],
    ['2027-04-30T23:59:59Z', '5월 1일'],
    ['2027-05-01T00:00:00Z', '2026년 5월 1일'],
  ])('At %s a comment written at 2026-05-01 09:00 KST reads %s', async (now, expected) => {
    const user = await makeUser();
    const group = await makeGroupRow(user);
    const { clock } = ctx;
    clock.set('2026-05-01T00:00:00Z');
    const posted = await postComment(user, `group/${group.groupId}`, '시간');
    const commentId = posted.body.data[0].commentId as string;
    await postReply(user, commentId, '답글');
    clock.set(now);
    const comments = await api().get(`/comment/group/${group.groupId}`).set(GUEST);
    const replies = await api().get(`/recomment/${commentId}`).set(GUEST);
    expect(comments.body.data[0].createdAt).toBe(expected);
    expect(replies.body.data[0].createdAt).toBe(expected);
  });

  it('Uses the Korean calendar day, not the server one, for older items', async () => {
    const user = await makeUser();
    const group = await makeGroupRow(user);
    // 2026-03-01 23:30 UTC is already 2 March in Korea.
    const { clock } = ctx;
    clock.set('2026-03-01T23:30:00Z');
    await postComment(user, `group/${group.groupId}`, '자정 넘어');
    clock.set('2026-04-01T00:00:00Z');
    const res = await api().get(`/comment/group/${group.groupId}`).set(GUEST);
    expect(res.body.data[0].createdAt).toBe('3월 2일');
    clock.set('2027-03-02T00:00:00Z');
    const later = await api().get(`/comment/group/${group.groupId}`).set(GUEST);
    expect(later.body.data[0].createdAt).toBe('2026년 3월 2일');
  });
});
