import type { AppContext } from '../lib/context';
import { deleteBookmark, insertBookmark, selectMarks } from './marks.queries';
import { lockCourse, storeStats } from './stats';
import { transactionRetryingDeadlocks } from '../db/retry';

/**
 * `PATCH /course/:courseId/bookmark`: adds the bookmark, or removes it when it exists. Toggles of
 * one course take turns on its row lock, so a double click answers true then false and leaves no
 * bookmark, never two rows or an error.
 *
 * Under that lock the user's bookmark and the course's counts are looked up in one plain read
 * (its snapshot begins after the lock, so it sees every committed toggle of the course): a
 * locking read or a DELETE of a row that does not exist locks the index gap it would be in,
 * which it shares with the neighbouring course's bookmarks, and two users bookmarking
 * neighbouring courses then deadlocked on MySQL. The bookmark goes by primary key, and the
 * course's sort keys are stored from those counts and this toggle. Every statement is plain SQL
 * (no model instances); the writes are announced to the read caches' write hooks.
 */
export async function toggleBookmark(
  ctx: Pick<AppContext, 'sequelize'>,
  userId: string,
  courseId: string,
): Promise<{ bookmark: boolean }> {
  return transactionRetryingDeadlocks(ctx.sequelize, async (transaction) => {
    await lockCourse(ctx.sequelize, courseId, transaction);
    const marks = await selectMarks(ctx.sequelize, courseId, userId, transaction);
    const had = marks.bookmarkId !== null;
    if (marks.bookmarkId !== null) {
      await deleteBookmark(ctx.sequelize, marks.bookmarkId, transaction);
    } else await insertBookmark(ctx.sequelize, { courseId, userId }, transaction);
    const { starTotal, starPeople } = marks;
    const bookmarkCnt = marks.bookmarks + (had ? -1 : 1);
    await storeStats(ctx.sequelize, courseId, { starTotal, starPeople, bookmarkCnt }, transaction);
    return { bookmark: !had };
  });
}
