import express from 'express';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { optionalUser, viewer } from '../src/auth/middleware';
import { AUTH } from '../src/auth/messages';
import { errorHandler } from '../src/lib/error-handler';
import { Group, User } from '../src/db/models';
import { makeGroup } from './support/groups';
import { authHeaders, useTestContext, signIn, type TestContext } from './support/context';
import { makeUser } from './support/users';

let ctx: TestContext;
useTestContext((c) => {
  ctx = c;
});
afterEach(() => {
  ctx.clock.reset();
});

const me = () => request(ctx.app).get('/user/auth');

describe('GET /user/auth', () => {
  it('answers who the signed-in user is, with real booleans', async () => {
    const user = await makeUser({ likeLocation: null, agreeSMS: true });
    const tokens = await signIn(ctx, user);
    const res = await me().set(authHeaders(tokens));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      userId: user.userId,
      nickname: user.nickname,
      profileUrl: user.profileUrl,
      firstLogin: true,
      agreeSMS: true,
    });
  });

  it.each([
    ['no Authorization header', undefined, AUTH.headerMissing],
    ['a header with one part', 'Bearer', AUTH.headerMalformed],
    ['a header with three parts', 'Bearer a b', AUTH.headerMalformed],
    ['a Basic header', 'Basic abc', AUTH.notBearer],
    ['the guest marker Bearer undefined', 'Bearer undefined', AUTH.tokenInvalid],
    ['a token that is not a JWT', 'Bearer tatata', AUTH.tokenInvalid],
  ])('With %s, answers 401 with the SPA message', async (_name, header, message) => {
    const req = me();
    if (header !== undefined) req.set('Authorization', header);
    const res = await req;
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ success: false, message });
  });

  it('Rejects a token signed with another secret', async () => {
    const user = await makeUser();
    const forged = jwt.sign(
      { userId: user.userId, sid: 'x', typ: 'access' },
      'another-secret-another-secret-123',
      {
        issuer: 'erunjrun',
        expiresIn: 600,
      },
    );
    const res = await me().set('Authorization', `Bearer ${forged}`);
    expect(res.status).toBe(401);
    expect(res.body.message).toBe(AUTH.tokenInvalid);
  });

  it('Rejects a token whose signature was altered, after the genuine one was accepted', async () => {
    const user = await makeUser();
    const tokens = await signIn(ctx, user);
    expect((await me().set(authHeaders(tokens))).status).toBe(200);
    const [header, payload, signature] = tokens.token.split('.');
    const flipped = signature[10] === 'A' ? 'B' : 'A';
    const altered = `${header}.${payload}.${signature.slice(0, 10)}${flipped}${signature.slice(11)}`;
    const res = await me().set('Authorization', `Bearer ${altered}`);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ success: false, message: AUTH.tokenInvalid });
  });

  it('Rejects a refresh token presented as an access token', async () => {
    const user = await makeUser();
    const tokens = await signIn(ctx, user);
    const res = await me().set('Authorization', `Bearer ${tokens.refreshToken}`);
    expect(res.status).toBe(401);
    expect(res.body.message).toBe(AUTH.tokenInvalid);
  });

  it('Rejects the token of a deleted user cleanly', async () => {
    const user = await makeUser();
    const tokens = await signIn(ctx, user);
    await User.destroy({ where: { userId: user.userId } });
    const res = await me().set(authHeaders(tokens));
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ success: false, message: AUTH.tokenInvalid });
  });
});

describe('refreshing an expired access token', () => {
  it('answers 401 with a new access token that then works', async () => {
    const user = await makeUser();
    const tokens = await signIn(ctx, user);
    ctx.clock.advance(ctx.config.jwt.accessTtlSeconds + 5);
    const res = await me().set(authHeaders(tokens));
    expect(res.status).toBe(401);
    expect(Object.keys(res.body).sort()).toEqual(['message', 'reason', 'succcss', 'token']);
    expect(res.body).toMatchObject({
      succcss: false,
      message: 'token 만료',
      reason: 'new Token 발급',
    });
    const retry = await me().set(authHeaders({ ...tokens, token: res.body.token }));
    expect(retry.status).toBe(200);
    expect(retry.body.userId).toBe(user.userId);
  });

  it('Treats a token accepted before as expired once its time is up', async () => {
    const user = await makeUser();
    const tokens = await signIn(ctx, user);
    expect((await me().set(authHeaders(tokens))).status).toBe(200);
    ctx.clock.advance(ctx.config.jwt.accessTtlSeconds + 5);
    const res = await me().set(authHeaders(tokens));
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ succcss: false, message: 'token 만료' });
  });

  it.each([
    ['no reAuthorization header', undefined, AUTH.refreshHeaderMissing],
    ['a one-part reAuthorization header', 'Bearer', AUTH.refreshHeaderMalformed],
    ['a reAuthorization header that is not Bearer', 'Token abc', AUTH.refreshNotBearer],
    ['a reAuthorization token that is not a JWT', 'Bearer nonsense', AUTH.refreshInvalid],
  ])('With %s, answers 401 with the SPA message', async (_name, header, message) => {
    const user = await makeUser();
    const tokens = await signIn(ctx, user);
    ctx.clock.advance(ctx.config.jwt.accessTtlSeconds + 5);
    const req = me().set('Authorization', `Bearer ${tokens.token}`);
    if (header !== undefined) req.set('reAuthorization', header);
    const res = await req;
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ success: false, message });
  });

  it('Refuses an access token presented as the refresh token', async () => {
    const user = await makeUser();
    const tokens = await signIn(ctx, user);
    ctx.clock.advance(ctx.config.jwt.accessTtlSeconds + 5);
    const res = await me().set(authHeaders({ token: tokens.token, refreshToken: tokens.token }));
    expect(res.body.message).toBe(AUTH.refreshInvalid);
    expect(res.body.token).toBeUndefined();
  });

  it("Refuses another user's refresh token", async () => {
    const [alice, bob] = [await makeUser(), await makeUser()];
    const aliceTokens = await signIn(ctx, alice);
    const bobTokens = await signIn(ctx, bob);
    ctx.clock.advance(ctx.config.jwt.accessTtlSeconds + 5);
    const res = await me().set(
      authHeaders({ token: aliceTokens.token, refreshToken: bobTokens.refreshToken }),
    );
    expect(res.body.message).toBe(AUTH.refreshInvalid);
    expect(res.body.token).toBeUndefined();
  });

  it('Says so when the refresh token has expired too', async () => {
    const user = await makeUser();
    const tokens = await signIn(ctx, user);
    ctx.clock.advance(ctx.config.jwt.refreshTtlSeconds + 5);
    const res = await me().set(authHeaders(tokens));
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ success: false, message: AUTH.refreshExpired });
  });
});

describe('a lost access token with a valid refresh token', () => {
  const renewal = {
    succcss: false,
    message: AUTH.accessRenewed,
    reason: AUTH.accessRenewedReason,
    token: expect.any(String),
  };

  it('`Bearer undefined` is answered like an expired token, and the new token works', async () => {
    const user = await makeUser();
    const tokens = await signIn(ctx, user);
    const res = await me().set(authHeaders({ refreshToken: tokens.refreshToken }));
    expect(res.status).toBe(401);
    expect(res.body).toEqual(renewal);
    const retry = await me().set(authHeaders({ ...tokens, token: res.body.token }));
    expect(retry.status).toBe(200);
    expect(retry.body.userId).toBe(user.userId);
  });

  it('So is no Authorization header at all', async () => {
    const user = await makeUser();
    const tokens = await signIn(ctx, user);
    const res = await me().set('reAuthorization', `Bearer ${tokens.refreshToken}`);
    expect(res.status).toBe(401);
    expect(res.body).toEqual(renewal);
  });

  it('Without a usable refresh token, the answers stay the old ones', async () => {
    const user = await makeUser();
    const tokens = await signIn(ctx, user);
    const cases: Array<[Record<string, string>, string]> = [
      [{ Authorization: 'Bearer undefined' }, AUTH.tokenInvalid],
      [authHeaders({}), AUTH.tokenInvalid],
      [{ Authorization: 'Bearer undefined', reAuthorization: 'Bearer tatata' }, AUTH.tokenInvalid],
      [
        { Authorization: 'Bearer undefined', reAuthorization: `Bearer ${tokens.token}` },
        AUTH.tokenInvalid,
      ],
      [{ reAuthorization: 'Bearer tatata' }, AUTH.headerMissing],
      [{}, AUTH.headerMissing],
    ];
    for (const [headers, message] of cases) {
      const res = await me().set(headers);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ success: false, message });
    }
    // A refresh token of a session that has ended renews nothing either.
    await request(ctx.app).delete('/user/logout').set(authHeaders(tokens)).expect(200);
    const ended = await me().set(authHeaders({ refreshToken: tokens.refreshToken }));
    expect(ended.status).toBe(401);
    expect(ended.body).toEqual({ success: false, message: AUTH.tokenInvalid });
  });
});

describe('DELETE /user/logout', () => {
  it('ends this session only: its refresh token stops working, other devices keep theirs', async () => {
    const user = await makeUser();
    const phone = await signIn(ctx, user);
    const laptop = await signIn(ctx, user);

    const out = await request(ctx.app).delete('/user/logout').set(authHeaders(phone));
    expect(out.status).toBe(200);
    expect(out.body.success).toBe(true);

    ctx.clock.advance(ctx.config.jwt.accessTtlSeconds + 5);
    const phoneRefresh = await me().set(authHeaders(phone));
    expect(phoneRefresh.status).toBe(401);
    expect(phoneRefresh.body).toEqual({ success: false, message: AUTH.refreshUnknown });

    const laptopRefresh = await me().set(authHeaders(laptop));
    expect(laptopRefresh.status).toBe(401);
    expect(typeof laptopRefresh.body.token).toBe('string');
  });

  it("revokes that session's access token at once, for reads and writes", async () => {
    const user = await makeUser();
    const phone = await signIn(ctx, user);
    const laptop = await signIn(ctx, user);
    const group = await makeGroup(user, { title: '로그아웃 뒤에도 지워질까' });
    await request(ctx.app).delete('/user/logout').set(authHeaders(phone)).expect(200);

    const read = await me().set(authHeaders(phone));
    expect(read.status).toBe(401);
    expect(read.body).toEqual({ success: false, message: AUTH.tokenInvalid });
    const write = await request(ctx.app).delete(`/group/${group.groupId}`).set(authHeaders(phone));
    expect(write.status).toBe(401);
    expect(write.body).toEqual({ success: false, message: AUTH.tokenInvalid });
    expect(await Group.count({ where: { groupId: group.groupId } })).toBe(1);

    // The other device's session is untouched.
    expect((await me().set(authHeaders(laptop))).status).toBe(200);
  });

  it('lets valid access tokens through while the key store is down, with one warning', async () => {
    const user = await makeUser();
    const tokens = await signIn(ctx, user);
    jest.spyOn(ctx.store, 'get').mockRejectedValue(new Error('connection refused'));
    const warn = jest.spyOn(ctx.logger, 'warn');
    try {
      for (let i = 0; i < 3; i += 1) {
        expect((await me().set(authHeaders(tokens))).status).toBe(200);
      }
    } finally {
      jest.restoreAllMocks();
    }
    const warnings = warn.mock.calls.filter(([message]) => /session checks/.test(String(message)));
    expect(warnings).toHaveLength(1);
    expect((await me().set(authHeaders(tokens))).status).toBe(200);
  });

  it('needs a signed-in user', async () => {
    const res = await request(ctx.app).delete('/user/logout').set(authHeaders({}));
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ success: false, message: AUTH.tokenInvalid });
  });
});

describe('optional sign-in (public reads)', () => {
  // A route guarded like the public lists, to exercise every branch of the middleware.
  const probeApp = () => {
    const app = express();
    app.get('/probe', optionalUser(ctx), (_req, res) => {
      res.json({ success: true, viewer: viewer(res)?.userId ?? null });
    });
    app.use(errorHandler(ctx.logger));
    return app;
  };

  it('treats a missing header and `Bearer undefined` as a guest', async () => {
    const app = probeApp();
    expect((await request(app).get('/probe')).body).toEqual({ success: true, viewer: null });
    const res = await request(app).get('/probe').set(authHeaders({}));
    expect(res.body).toEqual({ success: true, viewer: null });
    // Even with a valid refresh token beside it: a public read renews nothing.
    const { refreshToken } = await signIn(ctx, await makeUser());
    const withRefresh = await request(app).get('/probe').set(authHeaders({ refreshToken }));
    expect(withRefresh.status).toBe(200);
    expect(withRefresh.body).toEqual({ success: true, viewer: null });
  });

  it('knows the signed-in viewer', async () => {
    const user = await makeUser();
    const res = await request(probeApp())
      .get('/probe')
      .set(authHeaders(await signIn(ctx, user)));
    expect(res.body).toEqual({ success: true, viewer: user.userId });
  });

  it('still rejects a broken token, so the SPA signs out', async () => {
    const res = await request(probeApp()).get('/probe').set('Authorization', 'Bearer null');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ success: false, message: AUTH.tokenInvalid });
  });

  it('offers the refresh answer for an expired token', async () => {
    const user = await makeUser();
    const tokens = await signIn(ctx, user);
    ctx.clock.advance(ctx.config.jwt.accessTtlSeconds + 5);
    const res = await request(probeApp()).get('/probe').set(authHeaders(tokens));
    expect(res.status).toBe(401);
    expect(res.body.succcss).toBe(false);
    expect(typeof res.body.token).toBe('string');
  });
});
