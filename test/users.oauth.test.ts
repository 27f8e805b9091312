import crypto from 'node:crypto';
import nock from 'nock';
import request from 'supertest';
import { User } from '../src/db/models';
import { isProviderDown } from '../src/users/oauth';
import {
  authHeaders,
  createTestContext,
  uniqueSuffix,
  useTestContext,
  type TestContext,
} from './support/context';
import { allowOnlyLoopback, KAKAO, NAVER, oauthConfig } from './support/users';

let ctx: TestContext;
beforeAll(() => {
  allowOnlyLoopback();
});
useTestContext(
  (c) => {
    ctx = c;
  },
  {
    config: { oauth: oauthConfig(2000) },
    teardown: () => {
      nock.enableNetConnect();
    },
  },
);
afterEach(() => {
  nock.abortPendingRequests();
  nock.cleanAll();
});

const kakaoToken = () => nock('https://kauth.kakao.com');
const kakaoApi = () => nock('https://kapi.kakao.com');
const naverAuth = () => nock('https://nid.naver.com');
const naverApi = () => nock('https://openapi.naver.com');

/** Kakao answers the token request for `code`, then the profile request for that token. */
function kakaoSignsIn(
  code: string,
  me: Record<string, unknown>,
  options: { times?: number; delayMs?: number } = {},
) {
  const accessToken = `kakao-at-${code}`;
  const token = kakaoToken()
    .post('/oauth/token', (body) => {
      return (
        body.code === code &&
        body.grant_type === 'authorization_code' &&
        body.client_id === KAKAO.clientId &&
        body.redirect_uri === KAKAO.redirectUri
      );
    })
    .times(options.times ?? 1)
    .delay(options.delayMs ?? 0)
    .reply(200, { access_token: accessToken, token_type: 'bearer', expires_in: 21599 });
  const profile = kakaoApi()
    .get('/v2/user/me')
    .query(true)
    .times(options.times ?? 1)
    .matchHeader('authorization', `Bearer ${accessToken}`)
    .reply(200, me);
  return { token, profile };
}

function naverSignsIn(code: string, response: Record<string, unknown>) {
  const accessToken = `naver-at-${code}`;
  naverAuth()
    .post('/oauth2.0/token', (body) => {
      return (
        body.code === code &&
        body.client_id === NAVER.clientId &&
        body.client_secret === NAVER.clientSecret &&
        body.redirect_uri === NAVER.redirectUri
      );
    })
    .reply(200, { access_token: accessToken, refresh_token: 'r', token_type: 'bearer' });
  naverApi()
    .get('/v1/nid/me')
    .query(true)
    .matchHeader('authorization', `Bearer ${accessToken}`)
    .reply(200, { resultcode: '00', message: 'success', response });
}

const kakaoCallback = (code: string) =>
  request(ctx.app).get(`/user/kakao/callback?code=${code}`).set(authHeaders({}));
const naverCallback = (code: string, state = 'erunjrun') =>
  request(ctx.app).get(`/user/naver/callback?code=${code}&state=${state}`).set(authHeaders({}));

/** Kakao account ids, each new: from a random start, one after another (two at once never match). */
let lastKakaoId = 9_000_000_000_000 + crypto.randomInt(0, 1e9) * 1000;
const kakaoId = () => (lastKakaoId += 1);

describe('Kakao login (GET /user/kakao/callback)', () => {
  it('On a first login, creates the user and answers the contract fields with real booleans', async () => {
    const id = kakaoId();
    const nickname = `k${uniqueSuffix().slice(0, 5)}`;
    const { token, profile } = kakaoSignsIn('c1', {
      id,
      properties: { nickname, profile_image: 'http://k.kakaocdn.net/dn/abc/img_640x640.jpg' },
    });

    const res = await kakaoCallback('c1');

    expect(res.status).toBe(200);
    expect(token.isDone() && profile.isDone()).toBe(true);
    expect(Object.keys(res.body)).toEqual([
      'succcss',
      'token',
      'refreshToken',
      'userId',
      'nickname',
      'profileUrl',
      'firstLogin',
      'agreeSMS',
    ]);
    const user = await User.findOne({ where: { social: 'kakao', socialId: String(id) } });
    expect(res.body).toMatchObject({
      succcss: true,
      userId: user!.userId,
      nickname,
      // Upgraded to https: the SPA is served over https.
      profileUrl: 'https://k.kakaocdn.net/dn/abc/img_640x640.jpg',
      firstLogin: true,
      agreeSMS: false,
    });
    expect(typeof res.body.userId).toBe('string');

    const me = await request(ctx.app).get('/user/auth').set(authHeaders(res.body));
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ userId: user!.userId, firstLogin: true, agreeSMS: false });
  });

  it('Signs an existing user in without touching what they set, with their own flags', async () => {
    const id = kakaoId();
    const existing = await User.create({
      nickname: `e${uniqueSuffix().slice(0, 6)}`,
      profileUrl: 'https://cdn.example.com/mine.png',
      social: 'kakao',
      socialId: String(id),
      likeLocation: '2',
      agreeSMS: true,
    } as User);
    kakaoSignsIn('c2', { id, properties: { nickname: '새닉네임', profile_image: 'https://x/y' } });

    const res = await kakaoCallback('c2');

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      succcss: true,
      userId: existing.userId,
      nickname: existing.nickname,
      profileUrl: 'https://cdn.example.com/mine.png',
      firstLogin: false,
      agreeSMS: true,
    });
    expect(await User.count({ where: { social: 'kakao', socialId: String(id) } })).toBe(1);
  });

  it('Reads the newer kakao_account.profile shape too', async () => {
    const id = kakaoId();
    const nickname = `n${uniqueSuffix().slice(0, 5)}`;
    kakaoSignsIn('c3', {
      id,
      kakao_account: {
        profile: { nickname, profile_image_url: 'https://k.kakaocdn.net/p.jpg' },
      },
    });
    const res = await kakaoCallback('c3');
    expect(res.body).toMatchObject({ nickname, profileUrl: 'https://k.kakaocdn.net/p.jpg' });
  });

  it('Gives a provider account without a picture our default picture', async () => {
    const id = kakaoId();
    kakaoSignsIn('c4', { id, properties: { nickname: `p${uniqueSuffix().slice(0, 5)}` } });
    const res = await kakaoCallback('c4');
    expect(res.status).toBe(200);
    expect(res.body.profileUrl).toBe(`${ctx.config.publicUrl}/assets/default-profile.png`);
  });

  it('Cuts a long nickname to 8 characters without splitting a character', async () => {
    const family = '👨‍👩‍👧';
    const cases: Array<[string, string]> = [
      ['가나다라마바사아자차', '가나다라마바사아'],
      // UTF-16 cutting would leave half a surrogate pair here.
      [`1234567👍xyz`, '1234567👍'],
      // A family emoji is one character of five code points.
      [`abcdefg${family}hij`, `abcdefg${family}`],
      // Decomposed Hangul (as some Macs write it) is composed first.
      ['한글닉네임입니다요'.normalize('NFD'), '한글닉네임입니다'],
    ];
    for (const [i, [given, expected]] of cases.entries()) {
      // Free the expected names, so the test is about cutting, not uniqueness.
      await User.update(
        { nickname: `x${uniqueSuffix()}` },
        { where: { nickname: expected, social: 'kakao' } },
      );
      kakaoSignsIn(`cut${i}`, { id: kakaoId(), properties: { nickname: given } });
      const res = await kakaoCallback(`cut${i}`);
      expect(res.status).toBe(200);
      expect(res.body.nickname).toBe(expected);
    }
  });

  it('Makes a taken nickname unique with a number, still within 8 characters', async () => {
    const short = `s${uniqueSuffix().slice(0, 5)}`;
    const full = `f${uniqueSuffix().slice(0, 6)}z`;
    await User.create({
      nickname: short,
      profileUrl: 'x',
      social: 'naver',
      socialId: short,
    } as User);
    await User.create({ nickname: full, profileUrl: 'x', social: 'naver', socialId: full } as User);

    kakaoSignsIn('u1', { id: kakaoId(), properties: { nickname: short } });
    kakaoSignsIn('u2', { id: kakaoId(), properties: { nickname: short } });
    kakaoSignsIn('u3', { id: kakaoId(), properties: { nickname: full } });

    expect((await kakaoCallback('u1')).body.nickname).toBe(`${short}2`);
    expect((await kakaoCallback('u2')).body.nickname).toBe(`${short}3`);
    expect((await kakaoCallback('u3')).body.nickname).toBe(`${full.slice(0, 7)}2`);
  });

  it('Drops invisible characters from a provider nickname and numbers a case variant of a taken one', async () => {
    const taken = `Ca${uniqueSuffix().slice(0, 5)}`;
    await User.create({
      nickname: taken,
      profileUrl: 'x',
      social: 'naver',
      socialId: taken,
    } as User);
    const hidden = `\u200B${taken.slice(0, 2)}\u2060${taken.slice(2).toUpperCase()}\uFEFF`;
    kakaoSignsIn('zw1', { id: kakaoId(), properties: { nickname: hidden } });
    kakaoSignsIn('zw2', { id: kakaoId(), properties: { nickname: '\u200B\u3164' } });

    const first = await kakaoCallback('zw1');
    expect(first.status).toBe(200);
    expect(first.body.nickname).toBe(`${taken.slice(0, 2)}${taken.slice(2).toUpperCase()}2`);
    const blank = await kakaoCallback('zw2');
    expect(blank.status).toBe(200);
    expect(blank.body.nickname).toMatch(/^러너\d*$/);
  });

  it('Two first logins of the same account at once make one user', async () => {
    const id = kakaoId();
    kakaoSignsIn(
      'race',
      { id, properties: { nickname: `r${uniqueSuffix().slice(0, 5)}` } },
      {
        times: 2,
      },
    );

    const [a, b] = await Promise.all([kakaoCallback('race'), kakaoCallback('race')]);

    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body.userId).toBe(b.body.userId);
    expect(await User.count({ where: { social: 'kakao', socialId: String(id) } })).toBe(1);
  });

  it('Two new users with the same nickname at once get different nicknames', async () => {
    const nickname = `d${uniqueSuffix().slice(0, 5)}`;
    kakaoSignsIn('dup1', { id: kakaoId(), properties: { nickname } });
    kakaoSignsIn('dup2', { id: kakaoId(), properties: { nickname } });
    const [a, b] = await Promise.all([kakaoCallback('dup1'), kakaoCallback('dup2')]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(new Set([a.body.nickname, b.body.nickname])).toEqual(
      new Set([nickname, `${nickname}2`]),
    );
  });

  it('A code Kakao refuses answers 401 with a message, without asking for a profile', async () => {
    const profile = kakaoApi().get('/v2/user/me').query(true).reply(200, { id: kakaoId() });
    kakaoToken().post('/oauth/token').reply(400, {
      error: 'invalid_grant',
      error_description: 'authorization code not found for code=bad',
      error_code: 'KOE320',
    });
    const res = await kakaoCallback('bad');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      success: false,
      message: '카카오 로그인에 실패했습니다. 다시 로그인해주세요.',
    });
    expect(profile.isDone()).toBe(false);
  });

  it('A profile without an id is refused, never made into an account', async () => {
    const nickname = `i${uniqueSuffix().slice(0, 6)}`;
    kakaoSignsIn('noid', { properties: { nickname } });
    const res = await kakaoCallback('noid');
    expect(res.status).toBe(401);
    expect(await User.count({ where: { nickname } })).toBe(0);
  });

  it('A profile request Kakao refuses answers 401', async () => {
    kakaoToken().post('/oauth/token').reply(200, { access_token: 'at', token_type: 'bearer' });
    kakaoApi()
      .get('/v2/user/me')
      .query(true)
      .reply(401, { msg: 'this access token does not exist', code: -401 });
    const res = await kakaoCallback('c5');
    expect(res.status).toBe(401);
    expect(res.body.success).toBe(false);
  });

  it('Kakao failing (5xx) answers 502 with a message to retry later', async () => {
    kakaoToken().post('/oauth/token').reply(503, 'Service Unavailable');
    const down = await kakaoCallback('c6');
    expect(down.status).toBe(502);
    expect(down.body).toEqual({
      success: false,
      message: '카카오 로그인 서버에 연결할 수 없습니다. 잠시 후 다시 시도해주세요.',
    });
  });

  // Network failures are classified directly: nock's replyWithError emits the socket error
  // twice, which under load reaches the socket before the request listens to it.
  it('Counts network failures, 5xx and unreadable answers as "provider down", refusals not', () => {
    const wrapped = (oauthError: unknown) => Object.assign(new Error('Failed'), { oauthError });
    expect(isProviderDown({ code: 'ECONNREFUSED' })).toBe(true);
    expect(isProviderDown(wrapped({ code: 'ETIMEDOUT' }))).toBe(true);
    expect(isProviderDown(wrapped({ statusCode: 502, data: '' }))).toBe(true);
    expect(isProviderDown(new SyntaxError('Unexpected token <'))).toBe(true);
    expect(isProviderDown({ statusCode: 401, data: '{}' })).toBe(false);
    expect(isProviderDown(wrapped({ statusCode: 400, data: '{}' }))).toBe(false);
    expect(isProviderDown(Object.assign(new Error('bad code'), { code: 'invalid_grant' }))).toBe(
      false,
    );
    expect(isProviderDown('no profile')).toBe(false);
  });

  it('Kakao answering too slowly answers 504 within the configured time, not a hang', async () => {
    kakaoSignsIn('slow', { id: kakaoId(), properties: { nickname: 'slow' } }, { delayMs: 10_000 });
    const started = Date.now();
    const res = await kakaoCallback('slow');
    expect(res.status).toBe(504);
    expect(res.body).toEqual({
      success: false,
      message: '카카오 로그인 서버의 응답이 늦어지고 있습니다. 잠시 후 다시 시도해주세요.',
    });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('Without a code (the user cancelled), answers 400 instead of redirecting an XHR', async () => {
    for (const query of ['', '?code=', '?error=access_denied&error_description=cancelled']) {
      const res = await request(ctx.app).get(`/user/kakao/callback${query}`);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        success: false,
        message: '잘못된 로그인 요청입니다. 다시 로그인해주세요.',
      });
    }
  });
});

describe('Naver login (GET /user/naver/callback)', () => {
  it('Signs a new user in with the same answer shape', async () => {
    const id = `nv-${uniqueSuffix()}`;
    const nickname = `v${uniqueSuffix().slice(0, 5)}`;
    naverSignsIn('n1', { id, nickname, profile_image: 'https://phinf.pstatic.net/a.png' });

    const res = await naverCallback('n1');

    expect(res.status).toBe(200);
    const user = await User.findOne({ where: { social: 'naver', socialId: id } });
    expect(res.body).toEqual({
      succcss: true,
      token: expect.any(String),
      refreshToken: expect.any(String),
      userId: user!.userId,
      nickname,
      profileUrl: 'https://phinf.pstatic.net/a.png',
      firstLogin: true,
      agreeSMS: false,
    });
  });

  it('Refuses a state other than the configured one, before calling Naver', async () => {
    const res = await naverCallback('n2', 'forged');
    expect(res.status).toBe(400);
    expect(res.body.success).toBe(false);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('A Naver token answer without a token (its 200 error form) answers 401', async () => {
    naverAuth()
      .post('/oauth2.0/token')
      .reply(200, { error: 'invalid_request', error_description: 'no valid data in session' });
    naverApi().get('/v1/nid/me').query(true).reply(401, { resultcode: '024' });
    const res = await naverCallback('n3');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      success: false,
      message: '네이버 로그인에 실패했습니다. 다시 로그인해주세요.',
    });
  });

  it('A Naver profile error answers a clear failure', async () => {
    naverAuth().post('/oauth2.0/token').reply(200, { access_token: 'at', token_type: 'bearer' });
    naverApi().get('/v1/nid/me').query(true).reply(500, 'oops');
    const res = await naverCallback('n4');
    expect(res.status).toBe(502);
    expect(res.body.success).toBe(false);
  });
});

describe('server-initiated flow (GET /user/kakao, GET /user/naver)', () => {
  it('Redirects to Kakao with the configured client and redirect URI', async () => {
    const res = await request(ctx.app).get('/user/kakao');
    expect(res.status).toBe(302);
    const url = new URL(res.headers.location);
    expect(`${url.origin}${url.pathname}`).toBe('https://kauth.kakao.com/oauth/authorize');
    expect(url.searchParams.get('client_id')).toBe(KAKAO.clientId);
    expect(url.searchParams.get('redirect_uri')).toBe(KAKAO.redirectUri);
    expect(url.searchParams.get('response_type')).toBe('code');
  });

  it('Redirects to Naver with the configured state', async () => {
    const res = await request(ctx.app).get('/user/naver');
    expect(res.status).toBe(302);
    const url = new URL(res.headers.location);
    expect(`${url.origin}${url.pathname}`).toBe('https://nid.naver.com/oauth2.0/authorize');
    expect(url.searchParams.get('state')).toBe('erunjrun');
    expect(url.searchParams.get('redirect_uri')).toBe(NAVER.redirectUri);
    expect(url.searchParams.get('auth_type')).toBe('reprompt');
  });
});

describe('without provider keys', () => {
  it('Answers 503 saying the login is not configured', async () => {
    const bare = await createTestContext();
    try {
      for (const [path, name] of [
        ['/user/kakao/callback?code=x', '카카오'],
        ['/user/naver/callback?code=x&state=erunjrun', '네이버'],
        ['/user/kakao', '카카오'],
      ]) {
        const res = await request(bare.app).get(path);
        expect(res.status).toBe(503);
        expect(res.body).toEqual({
          success: false,
          message: `${name} 로그인이 설정되어 있지 않습니다.`,
        });
      }
    } finally {
      await bare.close();
    }
  });
});
