import request from 'supertest';
import { AccountCache } from '../src/auth/accounts';
import { User } from '../src/db/models';
import type { KeyStore } from '../src/store/keystore';
import { authHeaders, signIn, useTestContext, type TestContext } from './support/context';
import { makeUser } from './support/users';

/**
 * The account rows of signed-in users are kept per process under a generation in the key store
 * (src/auth/accounts.ts). Each test first shows the row is kept — a change written behind the
 * app's back is not seen — and then that a change made through the app, in this process or
 * another, is seen by the very next request.
 */
let ctx: TestContext;

// A key store of its own: other test files write users at the same time, and their generation
// bumps would make "the row is still kept" below a race.
useTestContext(
  (c) => {
    ctx = c;
  },
  { ownKeyStore: true },
);

const me = async (headers: Record<string, string>) => {
  const res = await request(ctx.app).get('/user/auth').set(headers);
  expect(res.status).toBe(200);
  return res.body as { nickname: string; firstLogin: boolean };
};

/** A write the hooks do not see, as another tool editing the database would make. */
const behindTheApp = (nickname: string, userId: string) =>
  ctx.sequelize.query('UPDATE `Users` SET `nickname` = ? WHERE `userId` = ?', {
    replacements: [nickname, userId],
  });

const hits = async () =>
  (await ctx.metrics.cacheHits.get()).values.find((v) => v.labels.cache === 'accounts')?.value ?? 0;

describe('account cache', () => {
  it('Keeps the row between requests; a profile change through the app is seen by the next one', async () => {
    const user = await makeUser({ likeLocation: null, nickname: `캐시${Date.now() % 1e6}` });
    const headers = authHeaders(await signIn(ctx, user));
    expect(await me(headers)).toMatchObject({ nickname: user.nickname, firstLogin: true });

    const before = await hits();
    await behindTheApp('몰래바꾼이름', user.userId);
    expect(await me(headers)).toMatchObject({ nickname: user.nickname, firstLogin: true });
    expect(await hits()).toBe(before + 1);

    const res = await request(ctx.app)
      .patch('/auth/userLike')
      .set(headers)
      .send({ likeLocation: 3, likeDistance: 0, userLevel: '퍼플' });
    expect(res.status).toBe(200);
    expect(await me(headers)).toMatchObject({ nickname: '몰래바꾼이름', firstLogin: false });
  });

  it('Sees a write committed by another process at the next request', async () => {
    const user = await makeUser({ nickname: `다른${Date.now() % 1e6}` });
    const headers = authHeaders(await signIn(ctx, user));
    await me(headers);
    await behindTheApp('처음몰래', user.userId);
    expect((await me(headers)).nickname).toBe(user.nickname);

    // Another process's cache on the same key store: its write stores a new generation.
    const elsewhere = new AccountCache(ctx);
    await elsewhere.invalidate();
    expect((await me(headers)).nickname).toBe('처음몰래');
  });

  it('Sees a write made in a transaction once it commits, and answers 401 once the user is gone', async () => {
    const user = await makeUser();
    const headers = authHeaders(await signIn(ctx, user));
    await me(headers);
    await ctx.sequelize.transaction(async (transaction) => {
      await User.update(
        { nickname: '거래안에서' },
        { where: { userId: user.userId }, transaction },
      );
    });
    expect((await me(headers)).nickname).toBe('거래안에서');

    // The session is left open on purpose: only the account's absence refuses the request.
    await User.destroy({ where: { userId: user.userId } });
    const gone = await request(ctx.app).get('/user/auth').set(headers);
    expect(gone.status).toBe(401);
    expect(gone.body.message).toBe('token에 문제가 있음(기한만료가 아닌 에러)');
  });

  it('Reads the database every time while the key store does not answer', async () => {
    const user = await makeUser();
    const down = {
      ...ctx.store,
      get: () => Promise.reject(new Error('store down')),
      set: () => Promise.reject(new Error('store down')),
    } as unknown as KeyStore;
    const cache = new AccountCache({ ...ctx, store: down });
    expect((await cache.get(user.userId))?.nickname).toBe(user.nickname);
    await behindTheApp('장애중변경', user.userId);
    expect((await cache.get(user.userId))?.nickname).toBe('장애중변경');
    await expect(cache.invalidate()).resolves.toBeUndefined();
  });
});
