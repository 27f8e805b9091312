import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { Applier, Group, User } from '../src/db/models';
import { createPhoneCipher } from '../src/lib/phone-cipher';
import { fromKst } from '../src/lib/time';
import { keyFromImageUrl } from '../src/uploads';
import {
  authHeaders,
  signIn,
  uniqueSuffix,
  useTestContext,
  type TestContext,
} from './support/context';
import { png } from './support/images';
import { makeGroupRow } from './support/comments';
import { makeUser } from './support/users';

let ctx: TestContext;
let localDir: string;

useTestContext(
  (c) => {
    ctx = c;
    localDir = ctx.imageDir;
  },
  { ownImageDir: true },
);
afterEach(() => {
  ctx.clock.reset();
});

const stored = (relative: string) => fs.existsSync(path.join(localDir, relative));

/** A group run the user applied to (hosted by someone else unless `host` is the user). */
async function runOf(host: User, attrs: Partial<Group>, ...runners: User[]) {
  const group = await makeGroupRow(host, { location: '서울 영등포구 여의도동 84-7', ...attrs });
  await Applier.create({ groupId: group.groupId, userId: host.userId });
  for (const runner of runners) {
    await Applier.create({ groupId: group.groupId, userId: runner.userId });
  }
  return group;
}

describe('GET /auth/info/:userId (public profile)', () => {
  it('Shows labels, the evaluation histogram and the coming runs soonest first, field by field', async () => {
    ctx.clock.set(fromKst('2030-05-15', '10:00:00'));
    const user = await makeUser({
      likeLocation: '8',
      likeDistance: '3',
      userLevel: '블루',
      bio: '매일 달려요',
      mannerPoint: 62.5,
    });
    const other = await makeUser();

    // Hosted and already run: rated by five runners (one has not rated yet).
    const hosted = await runOf(user, { date: '2030-05-01' });
    for (const evaluation of [1, 1, 6, 10, 0]) {
      const runner = await makeUser();
      await Applier.create({ groupId: hosted.groupId, userId: runner.userId, evaluation });
    }
    // Their coming runs: later today, and in five days (someone else's, with a picture).
    const later = await runOf(user, { date: '2030-05-15', standbyTime: '12:30:00', thema: '산' });
    const soon = await runOf(
      other,
      {
        date: '2030-05-20',
        standbyTime: '07:00:00',
        thumbnailUrl1: 'photo1.webp',
        distance: 11.82,
      },
      user,
    );
    // Not coming: started an hour ago today, and last week.
    await runOf(other, { date: '2030-05-15', standbyTime: '09:00:00' }, user);
    await runOf(other, { date: '2030-05-10' }, user);

    const res = await request(ctx.app).get(`/auth/info/${user.userId}`).set(authHeaders({}));

    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['success', 'data']);
    const { data } = res.body;
    expect(Object.keys(data).sort()).toEqual(
      ['evaluation', 'totalEvaluationCount', 'userInfo', 'waiting'].sort(),
    );
    expect(data.userInfo).toEqual({
      userId: user.userId,
      nickname: user.nickname,
      profileUrl: user.profileUrl,
      bio: '매일 달려요',
      likeLocation: '전라도/광주광역시',
      likeDistance: '10km 이상 15km 미만',
      userLevel: '블루',
      mannerPoint: 62.5,
    });
    const evaluation: Record<string, number> = {};
    for (let n = 1; n <= 10; n += 1) evaluation[`evaluationCategory${n}`] = 0;
    Object.assign(evaluation, {
      evaluationCategory1: 2,
      evaluationCategory6: 1,
      evaluationCategory10: 1,
    });
    expect(data.evaluation).toEqual(evaluation);
    expect(data.totalEvaluationCount).toBe(4);

    const base = ctx.config.images.baseUrl;
    expect(data.waiting).toEqual([
      {
        dDay: 0,
        date: '2030.05.15 (수) 12:30',
        title: later.title,
        location: '서울 영등포구',
        distance: '5km',
        thema: '산',
        groupId: later.groupId,
        thumbnailUrl: expect.stringMatching(new RegExp(`^${base}/groupthumbnail/.+\\.png$`)),
        standbyTime: '12:30:00',
        appliedPeople: 1,
      },
      {
        dDay: 5,
        date: '2030.05.20 (월) 07:00',
        title: soon.title,
        location: '서울 영등포구',
        distance: '11.82km',
        thema: '강변',
        groupId: soon.groupId,
        thumbnailUrl: `${base}/w_384/photo1.webp`,
        standbyTime: '07:00:00',
        appliedPeople: 2,
      },
    ]);
  });

  it('Answers an empty histogram and list for a new user, with null labels', async () => {
    const user = await makeUser({ likeLocation: null, likeDistance: null, userLevel: null });
    const res = await request(ctx.app).get(`/auth/info/${user.userId}`);
    expect(res.status).toBe(200);
    expect(res.body.data.totalEvaluationCount).toBe(0);
    expect(res.body.data.waiting).toEqual([]);
    expect(res.body.data.userInfo).toMatchObject({
      likeLocation: null,
      likeDistance: null,
      userLevel: null,
    });
  });

  it('Answers 404 with the original message for an unknown user', async () => {
    const res = await request(ctx.app).get('/auth/info/no-such-user').set(authHeaders({}));
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ success: false, message: '유저 정보 불러오기에 실패하였습니다.' });
  });
});

describe('GET /auth/updateUser (own settings)', () => {
  const phones = () => createPhoneCipher(ctx.config.phone);

  it('Answers the form fields: codes as strings, the decrypted phone, booleans', async () => {
    const user = await makeUser({
      likeLocation: '3',
      likeDistance: '0',
      userLevel: '퍼플',
      bio: null,
      agreeSMS: true,
      phone: phones().encrypt('01012345678'),
    });
    const res = await request(ctx.app)
      .get('/auth/updateUser')
      .set(authHeaders(await signIn(ctx, user)));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      data: {
        userId: user.userId,
        nickname: user.nickname,
        profileUrl: user.profileUrl,
        bio: null,
        likeLocation: '3',
        likeDistance: '0',
        userLevel: '1',
        mannerPoint: 50,
        phone: '010-1234-5678',
        agreeSMS: true,
        certPhone: true,
      },
    });
  });

  it.each([
    ['no phone', null],
    ["the original test data's 'null'", 'null'],
    ['a value written with another key', 'v1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
  ])('With %s, answers phone null and certPhone false', async (_name, phone) => {
    const user = await makeUser({ phone, userLevel: null });
    const res = await request(ctx.app)
      .get('/auth/updateUser')
      .set(authHeaders(await signIn(ctx, user)));
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ phone: null, certPhone: false, userLevel: null });
  });

  it('Needs a signed-in user', async () => {
    const res = await request(ctx.app).get('/auth/updateUser').set(authHeaders({}));
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      success: false,
      message: 'token에 문제가 있음(기한만료가 아닌 에러)',
    });
  });
});

describe('PATCH /auth/updateUser (profile form, multipart)', () => {
  /** The form exactly as Edit.js sends it, with `overrides` applied. */
  function sendForm(tokens: { token: string }, fields: Record<string, string>, image?: Buffer) {
    const req = request(ctx.app).patch('/auth/updateUser').set(authHeaders(tokens));
    for (const [name, value] of Object.entries(fields)) req.field(name, value);
    if (image) req.attach('image', image, { filename: 'me.png', contentType: 'image/png' });
    return req;
  }

  const formOf = (user: User, overrides: Record<string, string> = {}) => ({
    nickname: user.nickname,
    image: user.profileUrl,
    bio: '한 줄 소개를 작성해보세요!',
    likeLocation: user.likeLocation ?? 'null',
    likeDistance: user.likeDistance ?? 'null',
    userLevel: '오렌지',
    phone: 'null',
    agreeSMS: 'false',
    ...overrides,
  });

  it('Saves the text fields; the URL in `image` keeps the picture and `phone` is ignored', async () => {
    const phone = createPhoneCipher(ctx.config.phone).encrypt('01055556666');
    const user = await makeUser({ likeLocation: '1', likeDistance: '1', phone });
    const nickname = `n${uniqueSuffix().slice(0, 6)}`;
    const res = await sendForm(
      await signIn(ctx, user),
      formOf(user, {
        nickname,
        bio: '  주말마다 달려요 ',
        likeLocation: '4',
        likeDistance: '2',
        userLevel: '레드',
        phone: '010-9999-9999',
        agreeSMS: 'true',
      }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, message: '프로필 수정에 성공하였습니다.' });
    const saved = await User.findByPk(user.userId);
    expect(saved).toMatchObject({
      nickname,
      bio: '주말마다 달려요',
      likeLocation: '4',
      likeDistance: '2',
      userLevel: '레드',
      agreeSMS: true,
      phone,
      profileUrl: user.profileUrl,
    });
  });

  it('Keeps codes the form sends as "null"/"undefined", and stores the hint text as no bio', async () => {
    const user = await makeUser({
      likeLocation: null,
      likeDistance: null,
      userLevel: null,
      bio: '원래',
    });
    const res = await sendForm(
      await signIn(ctx, user),
      formOf(user, { userLevel: 'undefined', likeLocation: 'null', likeDistance: 'undefined' }),
    );
    expect(res.status).toBe(200);
    const saved = await User.findByPk(user.userId);
    expect(saved).toMatchObject({
      likeLocation: null,
      likeDistance: null,
      userLevel: null,
      bio: null,
      agreeSMS: false,
    });
  });

  it('Stores an uploaded picture as our own (host-free), and deletes the previous one of ours', async () => {
    const user = await makeUser({ profileUrl: 'https://k.kakaocdn.net/dn/x/avatar.jpg' });
    const tokens = await signIn(ctx, user);

    const first = await sendForm(tokens, formOf(user), await png(300, 300));
    expect(first.status).toBe(200);
    const afterFirst = (await User.findByPk(user.userId))!.profileUrl;
    expect(afterFirst).toMatch(/^w_384\/[^/]+\.webp$/);
    const firstKey = keyFromImageUrl(ctx.config, afterFirst)!;
    expect(stored(`profile/${firstKey}`) && stored(`w_384/${firstKey}`)).toBe(true);

    const second = await sendForm(
      tokens,
      formOf({ ...user.get(), profileUrl: afterFirst } as User),
      await png(200, 200),
    );
    expect(second.status).toBe(200);
    const afterSecond = (await User.findByPk(user.userId))!.profileUrl;
    const secondKey = keyFromImageUrl(ctx.config, afterSecond)!;
    expect(secondKey).not.toBe(firstKey);
    expect(stored(`w_384/${secondKey}`)).toBe(true);
    await ctx.images.settled(); // the previous picture goes after the answer
    expect(stored(`profile/${firstKey}`) || stored(`w_384/${firstKey}`)).toBe(false);
  });

  it("Refuses another user's nickname with 409, and accepts one's own unchanged", async () => {
    const taken = await makeUser();
    const user = await makeUser();
    const tokens = await signIn(ctx, user);

    const res = await sendForm(tokens, formOf(user, { nickname: taken.nickname }));
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ success: false, message: '이미 사용 중인 닉네임입니다.' });
    expect((await User.findByPk(user.userId))!.nickname).toBe(user.nickname);

    expect((await sendForm(tokens, formOf(user))).status).toBe(200);
  });

  /** A nickname of four random Hangul syllables (in NFC), which no other test uses. */
  const hangulNickname = () =>
    Array.from({ length: 4 }, () => String.fromCodePoint(0xac00 + crypto.randomInt(0, 11172))).join(
      '',
    );

  it('Refuses the decomposed (NFD) form of a taken Hangul nickname with 409', async () => {
    const taken = await makeUser({ nickname: hangulNickname() });
    const user = await makeUser();
    const lookalike = taken.nickname.normalize('NFD');
    expect(lookalike).not.toBe(taken.nickname);

    const res = await sendForm(await signIn(ctx, user), formOf(user, { nickname: lookalike }));
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ success: false, message: '이미 사용 중인 닉네임입니다.' });
    expect((await User.findByPk(user.userId))!.nickname).toBe(user.nickname);
  });

  it('Stores a nickname typed in NFD as NFC, with single spaces', async () => {
    const user = await makeUser();
    const nickname = hangulNickname();
    const typed = `${nickname.slice(0, 2)}\u3000 ${nickname.slice(2)}`.normalize('NFD');
    const res = await sendForm(await signIn(ctx, user), formOf(user, { nickname: typed }));
    expect(res.status).toBe(200);
    expect((await User.findByPk(user.userId))!.nickname).toBe(
      `${nickname.slice(0, 2)} ${nickname.slice(2)}`,
    );
  });

  it('Refuses a case variant of a taken nickname with 409', async () => {
    const taken = await makeUser({ nickname: `Ab${uniqueSuffix().slice(0, 6)}` });
    const user = await makeUser();
    const variant = `aB${taken.nickname.slice(2).toUpperCase()}`;
    const res = await sendForm(await signIn(ctx, user), formOf(user, { nickname: variant }));
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ success: false, message: '이미 사용 중인 닉네임입니다.' });
    expect((await User.findByPk(user.userId))!.nickname).toBe(user.nickname);
  });

  it('Lets a user change the case of their own nickname', async () => {
    const user = await makeUser({ nickname: `cs${uniqueSuffix().slice(0, 6)}` });
    const res = await sendForm(
      await signIn(ctx, user),
      formOf(user, { nickname: user.nickname.toUpperCase() }),
    );
    expect(res.status).toBe(200);
    expect((await User.findByPk(user.userId))!.nickname).toBe(user.nickname.toUpperCase());
  });

  it.each([
    ['a zero-width space', '\u200B'],
    ['a zero-width non-joiner', '\u200C'],
    ['a zero-width joiner', '\u200D'],
    ['a word joiner', '\u2060'],
    ['a byte order mark', '\uFEFF'],
    ['a right-to-left mark', '\u200F'],
    ['a soft hyphen', '\u00AD'],
    ['a Hangul filler', '\u3164'],
    ['a control character', '\u0007'],
  ])('Refuses a nickname hiding %s with 400, storing nothing', async (_name, hidden) => {
    const taken = await makeUser({ nickname: hangulNickname() });
    const user = await makeUser();
    const tokens = await signIn(ctx, user);
    for (const nickname of [
      `${taken.nickname.slice(0, 2)}${hidden}${taken.nickname.slice(2)}`,
      `${hidden}${taken.nickname}`,
      `${taken.nickname}${hidden}`,
    ]) {
      const res = await sendForm(tokens, formOf(user, { nickname }));
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        success: false,
        message: '닉네임에는 보이지 않는 문자나 제어 문자를 쓸 수 없습니다.',
      });
    }
    expect((await User.findByPk(user.userId))!.nickname).toBe(user.nickname);
  });

  it('Accepts emoji built with joiners and presentation selectors', async () => {
    const user = await makeUser();
    const nickname = `👨‍👩‍👧❤️${uniqueSuffix().slice(0, 4)}`;
    const res = await sendForm(await signIn(ctx, user), formOf(user, { nickname }));
    expect(res.status).toBe(200);
    expect((await User.findByPk(user.userId))!.nickname).toBe(nickname);
  });

  it.each([
    [
      'a nickname of 9 characters',
      { nickname: '가나다라마바사아자' },
      '닉네임은 1~8자로 입력해주세요.',
    ],
    ['an empty nickname', { nickname: '  ' }, '닉네임은 1~8자로 입력해주세요.'],
    [
      'a bio of 256 characters',
      { bio: '가'.repeat(256) },
      '한 줄 소개는 255자 이하로 입력해주세요.',
    ],
    ['region 0', { likeLocation: '0' }, '관심 지역을 다시 선택해주세요.'],
    ['region 10', { likeLocation: '10' }, '관심 지역을 다시 선택해주세요.'],
    ['distance 5', { likeDistance: '5' }, '관심 거리를 다시 선택해주세요.'],
    ['an unknown level', { userLevel: '초록' }, '러닝 레벨을 다시 선택해주세요.'],
    ['agreeSMS "yes"', { agreeSMS: 'yes' }, '문자 수신 동의 값이 올바르지 않습니다.'],
  ])('Refuses %s with 400 and its message, storing nothing', async (_name, change, message) => {
    const user = await makeUser();
    const row = (await User.findByPk(user.userId))!.get();
    const before = fs.existsSync(localDir) ? fs.readdirSync(localDir, { recursive: true }) : [];
    const res = await sendForm(await signIn(ctx, user), formOf(user, change), await png(50, 50));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ success: false, message });
    expect((await User.findByPk(user.userId))!.get()).toEqual(row);
    const after = fs.existsSync(localDir) ? fs.readdirSync(localDir, { recursive: true }) : [];
    expect(after.length).toBe(before.length);
  });

  it('Accepts the level as its code and a JSON body too', async () => {
    const user = await makeUser({ userLevel: '오렌지' });
    const res = await request(ctx.app)
      .patch('/auth/updateUser')
      .set(authHeaders(await signIn(ctx, user)))
      .send({ userLevel: '4', agreeSMS: true });
    expect(res.status).toBe(200);
    expect(await User.findByPk(user.userId)).toMatchObject({ userLevel: '블랙', agreeSMS: true });
  });
});

describe('PATCH /auth/userLike (first-login survey)', () => {
  it('Stores the answers; afterwards /user/auth says firstLogin false', async () => {
    const user = await makeUser({ likeLocation: null, likeDistance: null, userLevel: null });
    const tokens = await signIn(ctx, user);
    expect(
      (await request(ctx.app).get('/user/auth').set(authHeaders(tokens))).body.firstLogin,
    ).toBe(true);

    const res = await request(ctx.app)
      .patch('/auth/userLike')
      .set(authHeaders(tokens))
      .send({ likeLocation: 3, likeDistance: 0, userLevel: '퍼플' });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, message: '프로필 수정에 성공하였습니다.' });
    expect(await User.findByPk(user.userId)).toMatchObject({
      likeLocation: '3',
      likeDistance: '0',
      userLevel: '퍼플',
    });
    const me = await request(ctx.app).get('/user/auth').set(authHeaders(tokens));
    expect(me.body.firstLogin).toBe(false);
  });

  it.each([
    [{ likeDistance: 1, userLevel: '블루' }, '관심 지역을 다시 선택해주세요.'],
    [{ likeLocation: 10, likeDistance: 1, userLevel: '블루' }, '관심 지역을 다시 선택해주세요.'],
    [{ likeLocation: 1, likeDistance: -1, userLevel: '블루' }, '관심 거리를 다시 선택해주세요.'],
    [{ likeLocation: 1, likeDistance: 1, userLevel: 'gold' }, '러닝 레벨을 다시 선택해주세요.'],
    [{ likeLocation: 1, likeDistance: 1 }, '러닝 레벨을 다시 선택해주세요.'],
  ])('Refuses %j with 400', async (body, message) => {
    const user = await makeUser({ likeLocation: null });
    const res = await request(ctx.app)
      .patch('/auth/userLike')
      .set(authHeaders(await signIn(ctx, user)))
      .send(body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ success: false, message });
    expect((await User.findByPk(user.userId))!.likeLocation).toBeNull();
  });
});
