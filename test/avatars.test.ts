import request from 'supertest';
import { Applier, Chat, Comment, User } from '../src/db/models';
import { enterRoom, postMessage } from '../src/chat/chat.service';
import { findOrCreateLocalUser } from '../src/users/users.service';
import { up as hostFreeAvatars } from '../migrations/20261203001100-host-free-avatars';
import {
  authHeaders,
  createTestContext,
  signIn,
  uniqueSuffix,
  useTestContext,
  type TestContext,
} from './support/context';
import { makeGroupRow } from './support/comments';
import { png } from './support/images';
import { makeUser } from './support/users';

/**
 * Avatars of ours follow the answering server's own settings (PUBLIC_URL for its assets,
 * IMAGE_BASE_URL for stored pictures), whatever the process that stored them ran with: `elsewhere`
 * is a command or server on another port, `ctx` the server answering, both on one database and
 * one image folder.
 */
const PUBLIC_URL = 'https://api.example.test';
const OTHER_URL = 'http://localhost:4999';

let ctx: TestContext;
let elsewhere: TestContext;

useTestContext(
  async (c) => {
    ctx = c;
    elsewhere = await createTestContext({
      publicUrl: OTHER_URL,
      images: { ...c.config.images, baseUrl: `${OTHER_URL}/images` },
    });
  },
  {
    ownImageDir: true,
    config: (base) => ({
      publicUrl: PUBLIC_URL,
      images: { ...base.images, baseUrl: `${PUBLIC_URL}/images`, s3: null },
    }),
    beforeClose: () => elsewhere?.close(),
  },
);

const stored = async (userId: string) => (await User.findByPk(userId))!.profileUrl;

it("A local account made by a command on another port answers with the server's own URL", async () => {
  const user = await findOrCreateLocalUser(elsewhere, `a${uniqueSuffix()}`.slice(0, 8));
  expect(await stored(user.userId)).toBe('/assets/default-profile.png');
  const headers = authHeaders(await signIn(ctx, user));

  const me = await request(ctx.app).get('/user/auth').set(headers).expect(200);
  expect(me.body.profileUrl).toBe(`${PUBLIC_URL}/assets/default-profile.png`);
  const info = await request(ctx.app).get(`/auth/info/${user.userId}`).expect(200);
  expect(info.body.data.userInfo.profileUrl).toBe(`${PUBLIC_URL}/assets/default-profile.png`);
  // The same stored value, answered by the other process, follows that one's settings.
  const there = await request(elsewhere.app).get('/user/auth').set(headers).expect(200);
  expect(there.body.profileUrl).toBe(`${OTHER_URL}/assets/default-profile.png`);
  await request(ctx.app).get('/assets/default-profile.png').expect(200);
});

it('A picture uploaded through a server on another port is answered (and served) under this one', async () => {
  const host = await makeUser();
  const tokens = await signIn(elsewhere, host);
  await request(elsewhere.app)
    .patch('/auth/updateUser')
    .set(authHeaders(tokens))
    .field('nickname', host.nickname)
    .field('likeLocation', '1')
    .field('likeDistance', '2')
    .field('userLevel', '오렌지')
    .field('agreeSMS', 'false')
    .attach('image', await png(120, 120), { filename: 'me.png', contentType: 'image/png' })
    .expect(200);
  const value = await stored(host.userId);
  expect(value).toMatch(/^w_384\/[A-Za-z0-9._-]+\.webp$/);
  const url = `${PUBLIC_URL}/images/${value}`;

  const group = await makeGroupRow(host);
  await Applier.create({ groupId: group.groupId, userId: host.userId } as Applier);
  await Comment.create({ groupId: group.groupId, userId: host.userId, content: '같이 뛰어요' });

  const info = await request(ctx.app).get(`/auth/info/${host.userId}`).expect(200);
  expect(info.body.data.userInfo.profileUrl).toBe(url);
  const settings = await request(ctx.app)
    .get('/auth/updateUser')
    .set(authHeaders(await signIn(ctx, host)))
    .expect(200);
  expect(settings.body.data.profileUrl).toBe(url);
  const detail = await request(ctx.app).get(`/group/detail/${group.groupId}`).expect(200);
  expect(detail.body.data.profileUrl).toBe(url);
  expect(detail.body.data.Appliers).toEqual([
    { userId: host.userId, nickname: host.nickname, profileUrl: url },
  ]);
  const comments = await request(ctx.app).get(`/comment/group/${group.groupId}`).expect(200);
  expect(
    comments.body.data.map((c: { user: { profileUrl: string } }) => c.user.profileUrl),
  ).toEqual([url]);

  // A chat message keeps the stored value as its snapshot; each server answers with its own URL.
  const sent = await postMessage(elsewhere, group.groupId, host.userId, '출발합니다');
  expect(sent.profileUrl).toBe(`${OTHER_URL}/images/${value}`);
  expect((await Chat.findByPk(Number(sent.chatId)))!.profileUrl).toBe(value);
  const room = { join: () => undefined, leave: () => undefined };
  const page = await enterRoom(ctx, group.groupId, host.userId, room);
  expect(page.messages.map((m) => m.profileUrl)).toEqual([url]);

  const file = await request(ctx.app).get(`/images/${value}`).expect(200);
  expect(file.headers['content-type']).toBe('image/webp');
});

it("Someone else's picture (a Kakao avatar) is answered as stored", async () => {
  const kakao = 'https://k.kakaocdn.net/dn/abc/img_640x640.jpg';
  const user = await makeUser({ profileUrl: kakao });
  const me = await request(ctx.app)
    .get('/user/auth')
    .set(authHeaders(await signIn(ctx, user)))
    .expect(200);
  expect(me.body.profileUrl).toBe(kakao);
});

it('The migration makes the stored URLs of ours host-free and leaves the others as they are', async () => {
  const cases: Array<[string, string]> = [
    ['http://localhost:4000/assets/default-profile.png', '/assets/default-profile.png'],
    ['https://old.example.com/assets/default-profile.png', '/assets/default-profile.png'],
    ['http://localhost:4000/images/w_384/abc-1.webp', 'w_384/abc-1.webp'],
    ['http://127.0.0.1:8080/images/profile/abc-2.webp', 'profile/abc-2.webp'],
    // Not ours, or not a file the server serves itself: kept.
    ['https://k.kakaocdn.net/dn/x/img_640x640.jpg', 'https://k.kakaocdn.net/dn/x/img_640x640.jpg'],
    [
      'https://bucket.s3.ap-northeast-2.amazonaws.com/w_384/abc-3.webp',
      'https://bucket.s3.ap-northeast-2.amazonaws.com/w_384/abc-3.webp',
    ],
    ['https://cdn.example.com/x/images/w_384/../a', 'https://cdn.example.com/x/images/w_384/../a'],
    ['https://example.com/assets/other.png', 'https://example.com/assets/other.png'],
  ];
  const users = await Promise.all(cases.map(([url]) => makeUser({ profileUrl: url })));
  const group = await makeGroupRow(users[0]);
  const chats = await Promise.all(
    cases.map(([url], i) =>
      Chat.create({
        groupId: group.groupId,
        userId: users[i].userId,
        nickname: users[i].nickname,
        profileUrl: url,
        message: 'm',
      } as Chat),
    ),
  );

  await hostFreeAvatars({
    sequelize: ctx.sequelize,
    queryInterface: ctx.sequelize.getQueryInterface(),
  });
  // Again: nothing left to change.
  await hostFreeAvatars({
    sequelize: ctx.sequelize,
    queryInterface: ctx.sequelize.getQueryInterface(),
  });

  const expected = cases.map(([, after]) => after);
  expect(await Promise.all(users.map((u) => stored(u.userId)))).toEqual(expected);
  const chatUrls = await Promise.all(
    chats.map(async (c) => (await Chat.findByPk(c.chatId))!.profileUrl),
  );
  expect(chatUrls).toEqual(expected);

  const me = await request(ctx.app)
    .get('/user/auth')
    .set(authHeaders(await signIn(ctx, users[2])))
    .expect(200);
  expect(me.body.profileUrl).toBe(`${PUBLIC_URL}/images/w_384/abc-1.webp`);
});
