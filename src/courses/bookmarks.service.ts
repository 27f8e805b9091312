import type { AppContext } from '../lib/context';
import { Bookmark } from '../db/models';
import { lockCourse, refreshStats } from './stats';
import { transactionRetryingDeadlocks } from '../db/retry';

/**
 * `PATCH /course/:courseId/bookmark`: adds the bookmark, or removes it when it exists. Toggles of
 * one course take turns on its row lock, so a double click answers true then false and leaves no
 * bookmark, never two rows or an error.
 *
 * Under that lock the user's bookmark is looked up with a plain read (its snapshot begins after
 * the lock, so it sees every committed toggle of the course): a locking read or a DELETE of a row
 * that does not exist locks the index gap it would be in, which it shares with the neighbouring
 * course's bookmarks, and two users bookmarking neighbouring courses then deadlocked on MySQL.
 */
export async function toggleBookmark(
  ctx: Pick<AppContext, 'sequelize'>,
  userId: string,
  courseId: string,
): Promise<{ bookmark: boolean }> {
  return transactionRetryingDeadlocks(ctx.sequelize, async (transaction) => {
    await lockCourse(courseId, transaction);
    const existing = await Bookmark.findOne({ where: { courseId, userId }, transaction });
    if (existing) await existing.destroy({ transaction });
    else await Bookmark.create({ courseId, userId }, { transaction });
    await refreshStats(courseId, transaction);
    return { bookmark: !existing };
  });
}
