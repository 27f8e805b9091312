import { Transaction } from 'sequelize';
import { Course, Group, User } from '../db/models';
import { DEFAULT_PROFILE_REF } from '../uploads';
import type { AppContext } from '../lib/context';
import { endSession, revokeAllSessions } from '../auth/sessions';
import { forgetCourseActivityOf } from '../courses/stats';
import { fillFreedSeats } from '../groups/waitlist';
import { lockRunsHeldBy } from '../groups/waitlist.service';
import { normalizeNickname } from './nickname';
import { deleteBadgesOf, hasBadgesTable, oldestUserNamed } from './users.queries';

const READ_COMMITTED = { isolationLevel: Transaction.ISOLATION_LEVELS.READ_COMMITTED };

/** Ends this session: its refresh and access tokens stop working, its chat connections close. */
export async function logout(
  ctx: Pick<AppContext, 'store' | 'events'>,
  userId: string,
  sid: string,
): Promise<void> {
  await endSession(ctx, userId, sid);
  ctx.events.sessionEnded(userId, sid);
}

/**
 * A local account (no social login) for tooling: the first user with that nickname (compared as
 * nicknames are, ignoring case), or a new one.
 */
export async function findOrCreateLocalUser(
  ctx: Pick<AppContext, 'sequelize'>,
  name: string,
): Promise<User> {
  const nickname = normalizeNickname(name);
  const existing = await oldestUserNamed(ctx.sequelize, nickname);
  if (existing) return existing;
  return User.create({
    nickname,
    profileUrl: DEFAULT_PROFILE_REF,
    bio: null,
    likeLocation: null,
    likeDistance: null,
    userLevel: null,
    social: 'local',
    socialId: null,
    phone: null,
  });
}

/**
 * Withdrawal: the user row goes, and the schema's cascades take everything that was theirs —
 * their group runs (with the applications, comments and chat on them), applications, courses
 * (with their bookmarks, ratings and comments), comments, replies, bookmarks, ratings and
 * notifications, and their places on waitlists. Chat messages stay as the snapshots they are.
 * The seats they held on runs to come are given to those runs' first waiters at once.
 *
 * In an order where a failure leaves nothing half done: every session is revoked first, in the
 * key store, so while it is down the request fails (503) before anything is deleted (should the
 * database part fail after it, the account stays, merely signed out). The rows go in one
 * transaction that also queues every image they uploaded (profile picture, run thumbnails,
 * course photos, with their variants) for deletion; the files are deleted after the answer, and
 * what the storage refuses stays queued for the notification worker to delete later. Once the
 * rows are gone, the account's chat connections are closed.
 */
export async function withdraw(
  ctx: Pick<AppContext, 'config' | 'events' | 'images' | 'now' | 'sequelize' | 'store'>,
  userId: string,
): Promise<void> {
  const badges = await hasBadgesTable(ctx.sequelize);
  await revokeAllSessions(ctx, userId);
  // Read committed: the runs' seats and waitlists are read after their locks are taken, and
  // must be read as they are then, not as the transaction's first read saw them (MySQL's
  // repeatable-read snapshot could seat a waiter who had just withdrawn, or one seat too many).
  await ctx.sequelize.transaction(READ_COMMITTED, async (transaction) => {
    const user = await User.findByPk(userId, { attributes: ['profileUrl'], transaction });
    if (!user) return;
    const [groups, courses] = await Promise.all([
      Group.findAll({
        where: { userId },
        attributes: ['thumbnailUrl1', 'thumbnailUrl2', 'thumbnailUrl3'],
        transaction,
      }),
      Course.findAll({
        where: { userId },
        attributes: ['courseImageUrl1', 'courseImageUrl2', 'courseImageUrl3'],
        transaction,
      }),
    ]);
    if (badges) await deleteBadgesOf(ctx.sequelize, userId, transaction);
    // The cascade would drop their bookmarks, ratings and comments without recounting the courses.
    await forgetCourseActivityOf(ctx.sequelize, userId, transaction);
    // The seats they held on runs to come go to those runs' first waiters (their own places
    // on waitlists go with the account); those runs are locked first.
    const freed = await lockRunsHeldBy(ctx, userId, transaction);
    await User.destroy({ where: { userId }, transaction });
    await fillFreedSeats(ctx, freed, transaction);
    const paths = [
      ...ctx.images.pathsOf('profile', [user.profileUrl]),
      ...ctx.images.pathsOf(
        'group',
        groups.flatMap((g) => [g.thumbnailUrl1, g.thumbnailUrl2, g.thumbnailUrl3]),
      ),
      ...ctx.images.pathsOf(
        'course',
        courses.flatMap((c) => [c.courseImageUrl1, c.courseImageUrl2, c.courseImageUrl3]),
      ),
    ];
    await ctx.images.removeOnCommit(paths, transaction);
  });
  // The account is gone: its chat connections close whatever happens next.
  ctx.events.userWithdrawn(userId);
}
