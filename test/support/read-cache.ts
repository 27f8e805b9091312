import request from 'supertest';
import type { User } from '../../src/db/models';
import { useTestContext, type TestContext } from './context';
import { useCalendarContext } from './groups';

/**
 * For the read-cache tests: each proves a cache is in use by a change written behind the app's
 * back that the next read, in the same second, does not see.
 */

/**
 * A test file's context with a key store of its own (a Redis key prefix, or a SQLite key store
 * file): other test files write to the database at the same time, and their generation bumps
 * would make "the value is still cached" a race.
 */
export function useCacheTestContext(use: (ctx: TestContext) => void): void {
  useTestContext(use, { ownKeyStore: true });
}

/** `useCacheTestContext` with the file's calendar, as `useCalendarContext` gives them. */
export const useCalendarCacheContext = () => useCalendarContext({ ownKeyStore: true });

/** A write the hooks do not see, as another tool editing the database would make. */
export const behindTheApp = (ctx: TestContext, sql: string, replacements: unknown[]) =>
  ctx.sequelize.query(sql, { replacements });

/** `PATCH /auth/updateUser` as the SPA sends it, changing the nickname only. */
export const changeNickname = (
  ctx: TestContext,
  headers: Record<string, string>,
  user: User,
  nickname: string,
) =>
  request(ctx.app)
    .patch('/auth/updateUser')
    .set(headers)
    .field('nickname', nickname)
    .field('image', user.profileUrl)
    .field('bio', '')
    .field('likeLocation', '1')
    .field('likeDistance', '2')
    .field('userLevel', '오렌지')
    .field('phone', 'null')
    .field('agreeSMS', 'false');
