import type { AppContext } from '../lib/context';
import { forbidden, notFound } from '../lib/errors';
import { findRatingTotals } from './courses.queries';
import { deleteRating, insertRating, selectMarks, updateRating } from './marks.queries';
import { COURSE } from './messages';
import { lockCourse, starPointOf, storeStats } from './stats';
import { transactionRetryingDeadlocks } from '../db/retry';

export interface StarPointSummary {
  starPoint: number;
  starPeople: number;
  /** The viewer's own rating, 0 when they have none (or are a guest). */
  myStarPoint: number;
}

/**
 * `PATCH /course/:courseId/starPoint`: 1-5 sets or changes the user's rating, `null` removes it
 * (the SPA sends null when the selected star is clicked again). Authors cannot rate their own
 * course: it would let them lift it in the ranking. Changes to one course take turns on its row
 * lock, and the unique (courseId, userId) key keeps one rating per user whatever happens. The
 * user's rating is looked up with a plain read under that lock (see `toggleBookmark` for why
 * not a locking one) and changed by primary key.
 */
export async function rateCourse(
  ctx: Pick<AppContext, 'sequelize'>,
  userId: string,
  courseId: string,
  value: number | null,
): Promise<StarPointSummary> {
  return transactionRetryingDeadlocks(ctx.sequelize, async (transaction) => {
    const course = await lockCourse(ctx.sequelize, courseId, transaction);
    if (course.userId === userId) throw forbidden(COURSE.ownCourseRating);
    // The user's rating and the course's totals in one plain read; the totals after this change
    // are those less the user's old rating plus the new one.
    const marks = await selectMarks(ctx.sequelize, courseId, userId, transaction);
    let { starTotal, starPeople } = marks;
    if (marks.myStarPoint !== null) {
      starTotal -= marks.myStarPoint;
      starPeople -= 1;
    }
    const starPointId = marks.ratingId;
    if (starPointId === null) {
      if (value !== null) {
        await insertRating(ctx.sequelize, { courseId, userId, myStarPoint: value }, transaction);
      }
    } else if (value === null) await deleteRating(ctx.sequelize, starPointId, transaction);
    else await updateRating(ctx.sequelize, starPointId, value, transaction);
    if (value !== null) {
      starTotal += value;
      starPeople += 1;
    }
    const stats = await storeStats(
      ctx.sequelize,
      courseId,
      { starTotal, starPeople, bookmarkCnt: marks.bookmarks },
      transaction,
    );
    return { starPoint: stats.starPoint, starPeople: stats.starPeople, myStarPoint: value ?? 0 };
  });
}

/** `GET /course/:courseId/starPoint`: the average, how many rated, and the viewer's rating. */
export async function summarizeRatings(
  ctx: Pick<AppContext, 'sequelize'>,
  courseId: string,
  viewerId: string | null,
): Promise<StarPointSummary> {
  const totals = await findRatingTotals(ctx.sequelize, courseId, viewerId);
  if (!totals) throw notFound(COURSE.notFound);
  return {
    starPoint: starPointOf(totals.total, totals.people),
    starPeople: totals.people,
    myStarPoint: totals.mine ?? 0,
  };
}
