import request from 'supertest';
import { COMMENT } from '../src/comments/messages';
import type { User } from '../src/db/models';
import { authHeaders, createTestContext, signIn, type TestContext } from './support/context';
import { behindTheApp, changeNickname, useCacheTestContext } from './support/read-cache';
import { makeCourseRow, makeGroupRow } from './support/comments';
import { makeUser } from './support/users';

/**
 * Comment threads and reply lists are cached per second and per generation
 * (src/comments/thread-cache.ts). Each test first shows the cache is in use — a change written
 * behind the app's back is not seen within the second — and then that a change made through
 * the app is seen by the very next read, in the same second.
 */
let ctx: TestContext;

useCacheTestContext((c) => {
  ctx = c;
});
let instant = Date.parse('2026-05-01T03:00:00Z');
beforeEach(() => {
  // One instant for the whole test, so every read falls in the same second; later than the
  // previous test's (the cache serves a second earlier than its entries' uncached).
  instant += 60_000;
  ctx.clock.set(new Date(instant));
});
afterEach(() => {
  ctx.clock.reset();
});

const GUEST = authHeaders({});
const as = async (user: User) => authHeaders(await signIn(ctx, user));
const api = () => request(ctx.app);

interface Item {
  commentId: string;
  content: string;
  recommentCount: number;
  user: { userId: string; nickname: string };
}
interface Reply {
  recommentId: string;
  content: string;
}

async function comments(path: string): Promise<Item[]> {
  const res = await api().get(`/comment/${path}`).set(GUEST);
  expect(res.status).toBe(200);
  return res.body.data as Item[];
}

async function replies(commentId: string): Promise<Reply[]> {
  const res = await api().get(`/recomment/${commentId}`).set(GUEST);
  expect(res.status).toBe(200);
  return res.body.data as Reply[];
}

/** The contents, sorted: items written in one instant have no order but their random ids. */
const contents = (items: Array<{ content: string }>) => items.map((i) => i.content).sort();
const sorted = (texts: string[]) => [...texts].sort();

/** A run with one comment by `writer` and one reply to it. */
async function thread() {
  const [host, writer] = [await makeUser(), await makeUser()];
  const group = await makeGroupRow(host);
  const path = `group/${group.groupId}`;
  const posted = await api()
    .post(`/comment/${path}`)
    .set(await as(writer))
    .send({ content: '첫 댓글' });
  const commentId = posted.body.data[0].commentId as string;
  const replied = await api()
    .post(`/recomment/${commentId}`)
    .set(await as(host))
    .send({ content: '첫 답글' });
  const recommentId = replied.body.data[0].recommentId as string;
  return { host, writer, group, path, commentId, recommentId };
}

describe('comment thread cache', () => {
  it('keeps a thread and its replies for the rest of their second, and reads them again in the next one', async () => {
    const { path, commentId, recommentId } = await thread();
    expect(contents(await comments(path))).toEqual(['첫 댓글']);
    expect(contents(await replies(commentId))).toEqual(['첫 답글']);
    await behindTheApp(ctx, 'UPDATE `Comments` SET `content` = ? WHERE `commentId` = ?', [
      '몰래 바꾼 댓글',
      commentId,
    ]);
    await behindTheApp(ctx, 'UPDATE `Recomments` SET `content` = ? WHERE `recommentId` = ?', [
      '몰래 바꾼 답글',
      recommentId,
    ]);
    expect(contents(await comments(path))).toEqual(['첫 댓글']);
    expect(contents(await replies(commentId))).toEqual(['첫 답글']);

    ctx.clock.advance(1);
    expect(contents(await comments(path))).toEqual(['몰래 바꾼 댓글']);
    expect(contents(await replies(commentId))).toEqual(['몰래 바꾼 답글']);
  });

  it('shows a comment written, edited and deleted at once', async () => {
    const { host, writer, path, commentId } = await thread();
    await comments(path);
    const posted = await api()
      .post(`/comment/${path}`)
      .set(await as(host))
      .send({ content: '호스트 댓글' });
    expect(posted.status).toBe(201);
    expect(contents(await comments(path))).toEqual(sorted(['첫 댓글', '호스트 댓글']));

    const edited = await api()
      .patch(`/comment/${commentId}`)
      .set(await as(writer))
      .send({ content: '고친 댓글' });
    expect(edited.status).toBe(200);
    expect(contents(await comments(path))).toEqual(sorted(['고친 댓글', '호스트 댓글']));

    const deleted = await api()
      .delete(`/comment/${commentId}`)
      .set(await as(writer));
    expect(deleted.status).toBe(200);
    expect(contents(await comments(path))).toEqual(['호스트 댓글']);
    // Its replies went with it (foreign key): the reply list of the deleted comment is a 404.
    const gone = await api().get(`/recomment/${commentId}`).set(GUEST);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ success: false, message: COMMENT.notFound });
  });

  it('shows a reply written, edited and deleted at once, in the replies and the count', async () => {
    const { host, writer, path, commentId, recommentId } = await thread();
    expect((await comments(path))[0].recommentCount).toBe(1);
    await replies(commentId);
    const replied = await api()
      .post(`/recomment/${commentId}`)
      .set(await as(writer))
      .send({ content: '둘째 답글' });
    expect(replied.status).toBe(201);
    expect(contents(await replies(commentId))).toEqual(sorted(['첫 답글', '둘째 답글']));
    expect((await comments(path))[0].recommentCount).toBe(2);

    const edited = await api()
      .patch(`/recomment/${recommentId}`)
      .set(await as(host))
      .send({ content: '고친 답글' });
    expect(edited.status).toBe(200);
    expect(contents(await replies(commentId))).toEqual(sorted(['고친 답글', '둘째 답글']));

    const deleted = await api()
      .delete(`/recomment/${recommentId}`)
      .set(await as(host));
    expect(deleted.status).toBe(200);
    expect(contents(await replies(commentId))).toEqual(['둘째 답글']);
    expect((await comments(path))[0].recommentCount).toBe(1);
  });

  it("shows an author's new nickname at once, and drops a withdrawn author's comments at once", async () => {
    const { writer, path } = await thread();
    await comments(path);
    const nickname = `새${writer.userId.slice(0, 6)}`;
    const renamed = await changeNickname(ctx, await as(writer), writer, nickname);
    expect(renamed.status).toBe(200);
    expect((await comments(path))[0].user.nickname).toBe(nickname);

    const withdrawn = await api()
      .delete('/user/delete')
      .set(await as(writer));
    expect(withdrawn.status).toBe(200);
    expect(await comments(path)).toEqual([]);
  });

  it('answers 404 at once when the post is deleted (its comments go by foreign key)', async () => {
    const { host, group, path, commentId } = await thread();
    await comments(path);
    await replies(commentId);
    const deleted = await api()
      .delete(`/group/${group.groupId}`)
      .set(await as(host));
    expect(deleted.status).toBe(200);
    const thread404 = await api().get(`/comment/${path}`).set(GUEST);
    expect(thread404.status).toBe(404);
    expect(thread404.body).toEqual({ success: false, message: COMMENT.postNotFound });
    expect((await api().get(`/recomment/${commentId}`).set(GUEST)).status).toBe(404);
  });

  it('caches course threads too, and shows a new course comment at once', async () => {
    const [author, reader] = [await makeUser(), await makeUser()];
    const course = await makeCourseRow(author);
    const path = `course/${course.courseId}`;
    expect(await comments(path)).toEqual([]);
    const earlier = new Date(ctx.now().getTime() - 60_000);
    await behindTheApp(
      ctx,
      'INSERT INTO `Comments` (`commentId`, `courseId`, `userId`, `content`, `createdAt`, `updatedAt`) VALUES (?, ?, ?, ?, ?, ?)',
      [
        `hidden-${course.courseId}`,
        course.courseId,
        reader.userId,
        '몰래 쓴 댓글',
        earlier,
        earlier,
      ],
    );
    expect(await comments(path)).toEqual([]);

    const posted = await api()
      .post(`/comment/${path}`)
      .set(await as(reader))
      .send({ content: '가보고 싶어요' });
    expect(posted.status).toBe(201);
    expect(contents(await comments(path))).toEqual(sorted(['몰래 쓴 댓글', '가보고 싶어요']));
  });
});

describe('READ_CACHE=false', () => {
  it('reads every thread from the database', async () => {
    const uncached = await createTestContext({ cache: { groupLists: true, reads: false } });
    try {
      const writer = await makeUser();
      const group = await makeGroupRow(writer);
      const posted = await request(uncached.app)
        .post(`/comment/group/${group.groupId}`)
        .set(authHeaders(await signIn(uncached, writer)))
        .send({ content: '첫 댓글' });
      const commentId = posted.body.data[0].commentId as string;
      const read = async () =>
        contents(
          (await request(uncached.app).get(`/comment/group/${group.groupId}`).set(GUEST)).body.data,
        );
      expect(await read()).toEqual(['첫 댓글']);
      await uncached.sequelize.query('UPDATE `Comments` SET `content` = ? WHERE `commentId` = ?', {
        replacements: ['몰래 바꾼 댓글', commentId],
      });
      expect(await read()).toEqual(['몰래 바꾼 댓글']);
    } finally {
      await uncached.close();
    }
  });
});
