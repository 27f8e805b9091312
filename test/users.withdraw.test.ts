import fs from 'node:fs';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import nock from 'nock';
import { ForeignKeyConstraintError, type Model, type ModelStatic } from 'sequelize';
import request from 'supertest';
import {
  Alarm,
  Applier,
  Bookmark,
  Chat,
  Comment,
  Group,
  Course,
  Recomment,
  StarPoint,
  User,
} from '../src/db/models';
import type { Config } from '../src/config';
import { createWorkerDeps } from '../src/jobs/deps';
import { runImageRemovals } from '../src/jobs/image-removals';
import { objectPaths } from '../src/uploads/urls';
import { createImageService, profileImageRef } from '../src/uploads';
import { ImageRemoval } from '../src/uploads/image-removal.model';
import {
  authHeaders,
  signIn,
  uniqueSuffix,
  useTestContext,
  type TestContext,
} from './support/context';
import { makeCourseRow, makeGroupRow } from './support/comments';
import { userWithUploads } from './support/faults';
import { FailingS3 } from './support/failing-s3';
import { FakeS3 } from './support/fake-s3';
import { allowOnlyLoopback, KAKAO, oauthConfig, makeUser } from './support/users';

let ctx: TestContext;
let localDir: string;

/**
 * An original database may keep its Badges table, whose key to Users has no cascade. The
 * table is made here as the original had it, on the file's own database: on the shared one,
 * another file's withdrawal would see it come and go.
 */
async function createOriginalBadgesTable() {
  await ctx.sequelize.query(
    'CREATE TABLE IF NOT EXISTS `Badges` (' +
      '`badgeId` VARCHAR(150) NOT NULL PRIMARY KEY, `userId` VARCHAR(150) NOT NULL, ' +
      '`badge1` TINYINT(1) NOT NULL DEFAULT 0, ' +
      'CONSTRAINT `FK_Users_TO_Badges_t4` FOREIGN KEY (`userId`) REFERENCES `Users` (`userId`))',
  );
}

beforeAll(() => {
  allowOnlyLoopback();
});
useTestContext(
  async (c) => {
    ctx = c;
    localDir = ctx.imageDir;
    await createOriginalBadgesTable();
  },
  {
    config: { oauth: oauthConfig() },
    ownImageDir: true,
    ownDatabase: true,
    teardown: () => {
      nock.enableNetConnect();
    },
  },
);
afterEach(() => {
  ctx.clock.reset();
  nock.cleanAll();
});

/** Writes an image's original and variants as the image service would. */
function storeImage(kind: 'group' | 'course' | 'profile'): string {
  const key = `${Date.now()}${uniqueSuffix()}.webp`;
  for (const file of objectPaths(kind, key)) {
    fs.mkdirSync(path.dirname(path.join(localDir, file)), { recursive: true });
    fs.writeFileSync(path.join(localDir, file), 'image');
  }
  return key;
}
const imageExists = (kind: 'group' | 'course' | 'profile', key: string) =>
  objectPaths(kind, key).some((file) => fs.existsSync(path.join(localDir, file)));

/** Two devices signed in through Kakao. */
async function kakaoLogins(socialId: string, times: number) {
  const sessions = [];
  for (let i = 0; i < times; i += 1) {
    const code = `w${uniqueSuffix()}`;
    nock('https://kauth.kakao.com')
      .post('/oauth/token', (body) => body.code === code && body.client_id === KAKAO.clientId)
      .reply(200, { access_token: `at-${code}`, token_type: 'bearer' });
    nock('https://kapi.kakao.com')
      .get('/v2/user/me')
      .query(true)
      .reply(200, { id: Number(socialId), properties: { nickname: `w${uniqueSuffix()}` } });
    const res = await request(ctx.app).get(`/user/kakao/callback?code=${code}`);
    expect(res.status).toBe(200);
    sessions.push(res.body as { token: string; refreshToken: string; userId: string });
  }
  return sessions;
}

const exists = async (model: ModelStatic<Model>, id: string | number) =>
  (await model.findByPk(id)) !== null;

describe('DELETE /user/delete (withdraw)', () => {
  it('Deletes the user with everything that was theirs, their images and every session', async () => {
    const socialId = `7${Date.now() % 1e9}`;
    const [phone, laptop] = await kakaoLogins(socialId, 2);
    const userId = phone.userId;
    const user = (await User.findByPk(userId))!;
    const other = await makeUser();

    const profileKey = storeImage('profile');
    await user.update({ profileUrl: profileImageRef(profileKey) });
    const groupKey = storeImage('group');
    const courseKey = storeImage('course');
    const othersKey = storeImage('group');

    // Their group run, with someone else's application and comment (and a reply of theirs).
    const group = await makeGroupRow(user, { thumbnailUrl1: groupKey });
    const hostRow = await Applier.create({ groupId: group.groupId, userId });
    const othersApplication = await Applier.create({
      groupId: group.groupId,
      userId: other.userId,
    });
    const othersComment = await Comment.create({
      groupId: group.groupId,
      userId: other.userId,
      content: '참가해요',
    } as Comment);
    // Someone else's group run, which they joined, commented on and chatted in.
    const othersGroup = await makeGroupRow(other, { thumbnailUrl1: othersKey });
    const application = await Applier.create({ groupId: othersGroup.groupId, userId });
    const comment = await Comment.create({
      groupId: othersGroup.groupId,
      userId,
      content: '저도 갈게요',
    } as Comment);
    const reply = await Recomment.create({
      commentId: comment.commentId,
      userId: other.userId,
      content: '환영해요',
    } as Recomment);
    const chat = await Chat.create({
      groupId: othersGroup.groupId,
      userId,
      nickname: user.nickname,
      profileUrl: user.profileUrl,
      message: '안녕하세요',
    } as Chat);
    // Their course with someone's bookmark; their bookmark and rating of someone's course.
    const course = await makeCourseRow(user, { courseImageUrl1: courseKey });
    const othersBookmark = await Bookmark.create({
      courseId: course.courseId,
      userId: other.userId,
    });
    const othersCourse = await makeCourseRow(other);
    const bookmark = await Bookmark.create({ courseId: othersCourse.courseId, userId });
    const rating = await StarPoint.create({
      courseId: othersCourse.courseId,
      userId,
      myStarPoint: 4,
    } as StarPoint);
    const alarm = await Alarm.create({
      userId,
      category: 'comment',
      groupId: group.groupId,
    } as Alarm);
    await ctx.sequelize.query('INSERT INTO `Badges` (`badgeId`, `userId`) VALUES (?, ?)', {
      replacements: [`b-${uniqueSuffix()}`, userId],
    });

    const res = await request(ctx.app).delete('/user/delete').set(authHeaders(phone));

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, message: '회원탈퇴에 성공하였습니다.' });
    expect(await exists(User, userId)).toBe(false);
    for (const [model, id] of [
      [Group, group.groupId],
      [Applier, hostRow.applyId],
      [Applier, othersApplication.applyId],
      [Comment, othersComment.commentId],
      [Applier, application.applyId],
      [Comment, comment.commentId],
      [Recomment, reply.recommentId],
      [Course, course.courseId],
      [Bookmark, othersBookmark.bookmarkId],
      [Bookmark, bookmark.bookmarkId],
      [StarPoint, rating.starPointId],
      [Alarm, alarm.alarmId],
    ] as Array<[ModelStatic<Model>, string]>) {
      expect({ table: model.tableName, id, kept: await exists(model, id) }).toEqual({
        table: model.tableName,
        id,
        kept: false,
      });
    }
    // Not theirs: the other runner's group and course stay; the chat line is a snapshot.
    expect(await exists(Group, othersGroup.groupId)).toBe(true);
    expect(await exists(Course, othersCourse.courseId)).toBe(true);
    expect(await exists(Chat, chat.chatId)).toBe(true);
    const [badges] = await ctx.sequelize.query('SELECT * FROM `Badges` WHERE `userId` = ?', {
      replacements: [userId],
    });
    expect(badges).toEqual([]);

    await ctx.images.settled(); // the files go after the answer
    expect(imageExists('profile', profileKey)).toBe(false);
    expect(imageExists('group', groupKey)).toBe(false);
    expect(imageExists('course', courseKey)).toBe(false);
    expect(imageExists('group', othersKey)).toBe(true);

    // Every session is over: the stored refresh tokens are gone and no token works.
    for (const session of [phone, laptop]) {
      const { sid } = jwt.decode(session.refreshToken) as { sid: string };
      expect(await ctx.store.get(`refresh:${userId}:${sid}`)).toBeNull();
      const me = await request(ctx.app).get('/user/auth').set(authHeaders(session));
      expect(me.status).toBe(401);
      expect(me.body).toEqual({
        success: false,
        message: 'token에 문제가 있음(기한만료가 아닌 에러)',
      });
    }
    ctx.clock.advance(ctx.config.jwt.accessTtlSeconds + 5);
    const refresh = await request(ctx.app).get('/user/auth').set(authHeaders(laptop));
    expect(refresh.status).toBe(401);
    expect(refresh.body.token).toBeUndefined();
  });

  it('Logging in again with the same provider account afterwards makes a new, empty account', async () => {
    const socialId = `8${Date.now() % 1e9}`;
    const [first] = await kakaoLogins(socialId, 1);
    await request(ctx.app).delete('/user/delete').set(authHeaders(first)).expect(200);
    const [second] = await kakaoLogins(socialId, 1);
    expect(second.userId).not.toBe(first.userId);
    expect(second).toMatchObject({ firstLogin: true });
  });

  it("Keeps a provider's avatar alone (it is not ours to delete)", async () => {
    const user = await makeUser({ profileUrl: 'https://k.kakaocdn.net/dn/a/avatar.jpg' });
    const res = await request(ctx.app)
      .delete('/user/delete')
      .set(authHeaders(await signIn(ctx, user)));
    expect(res.status).toBe(200);
    expect(await exists(User, user.userId)).toBe(false);
  });

  it('The original Badges table really blocks a plain delete (why withdraw clears it first)', async () => {
    const user = await makeUser();
    await ctx.sequelize.query('INSERT INTO `Badges` (`badgeId`, `userId`) VALUES (?, ?)', {
      replacements: [`b-${uniqueSuffix()}`, user.userId],
    });
    await expect(User.destroy({ where: { userId: user.userId } })).rejects.toBeInstanceOf(
      ForeignKeyConstraintError,
    );
    const res = await request(ctx.app)
      .delete('/user/delete')
      .set(authHeaders(await signIn(ctx, user)));
    expect(res.status).toBe(200);
    expect(await exists(User, user.userId)).toBe(false);
  });

  it('Sees the Badges table dropped while the server runs: the next withdrawal still succeeds', async () => {
    const before = await makeUser();
    await request(ctx.app)
      .delete('/user/delete')
      .set(authHeaders(await signIn(ctx, before)))
      .expect(200);
    await ctx.sequelize.query('DROP TABLE `Badges`');
    try {
      const after = await makeUser();
      const res = await request(ctx.app)
        .delete('/user/delete')
        .set(authHeaders(await signIn(ctx, after)));
      expect(res.status).toBe(200);
      expect(await exists(User, after.userId)).toBe(false);
    } finally {
      await createOriginalBadgesTable();
    }
  });

  it('Needs a signed-in user', async () => {
    const res = await request(ctx.app).delete('/user/delete').set(authHeaders({}));
    expect(res.status).toBe(401);
  });
});

describe('Withdrawal with the images on S3', () => {
  /** Runs `work` with the app's images on that S3 bucket, then puts the local folder back. */
  async function onS3(
    s3: NonNullable<Config['images']['s3']>,
    baseUrl: string,
    work: () => Promise<void>,
  ) {
    const local = ctx.images;
    const config = { ...ctx.config, images: { ...ctx.config.images, baseUrl, s3 } };
    ctx.images = createImageService(config, ctx.logger);
    try {
      await work();
    } finally {
      ctx.images = local;
    }
  }

  it('Deletes every image the user uploaded from the bucket, originals and variants', async () => {
    const fake = await FakeS3.start();
    try {
      await onS3(fake.settings(5000), fake.publicBase, async () => {
        const { user, paths } = await userWithUploads(ctx);
        const someoneElse = await userWithUploads(ctx);
        expect(fake.objectKeys()).toEqual([...paths, ...someoneElse.paths].sort());

        const res = await request(ctx.app)
          .delete('/user/delete')
          .set(authHeaders(await signIn(ctx, user)));
        expect(res.status).toBe(200);
        await ctx.images.settled(); // the files go after the answer
        expect(fake.objectKeys()).toEqual([...someoneElse.paths].sort());
        expect(await ImageRemoval.count({ where: { path: paths } })).toBe(0);
      });
    } finally {
      await fake.stop();
    }
  });

  it('When S3 refuses the deletion, withdrawal still succeeds and the worker deletes the images later', async () => {
    const s3 = await FailingS3.start();
    try {
      await onS3(s3.settings(5000), `${s3.endpoint}/${s3.bucket}`, async () => {
        const { user, paths } = await userWithUploads(ctx);
        expect([...s3.objects].sort()).toEqual([...paths].sort());

        s3.refuseDeletes = true;
        const res = await request(ctx.app)
          .delete('/user/delete')
          .set(authHeaders(await signIn(ctx, user)));
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ success: true, message: '회원탈퇴에 성공하였습니다.' });
        expect(await exists(User, user.userId)).toBe(false);
        // Nothing deleted, nothing forgotten: every path waits for another try.
        await ctx.images.settled();
        expect([...s3.objects].sort()).toEqual([...paths].sort());
        const queued = await ImageRemoval.findAll({ where: { path: paths } });
        expect(queued.map((row) => row.path).sort()).toEqual([...paths].sort());
        expect(queued.every((row) => row.attempts === 1)).toBe(true);

        // S3 answers again: the worker's next sweep deletes them and empties the queue.
        s3.refuseDeletes = false;
        const deps = createWorkerDeps(ctx, { images: ctx.images });
        const swept = await runImageRemovals(deps, { now: new Date() });
        expect(swept.removed).toBeGreaterThanOrEqual(paths.length);
        expect([...s3.objects]).toEqual([]);
        expect(await ImageRemoval.count({ where: { path: paths } })).toBe(0);
      });
    } finally {
      await s3.close();
    }
  });
});
