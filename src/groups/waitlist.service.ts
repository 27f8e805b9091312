import type { Transaction } from 'sequelize';
import type { AppContext } from '../lib/context';
import { badRequest, conflict } from '../lib/errors';
import { lockRun, selectSeats } from './seats.queries';
import { WAITLIST } from './messages';
import { hasStarted, notStartedWhere } from './schedule';
import { deleteWaiter, insertWaiter, runsHeldBy } from './waitlist.queries';
import { transactionRetryingDeadlocks } from '../db/retry';

/**
 * `POST /group/:groupId/waitlist`, and the locks a withdrawal takes on the runs whose seats it
 * frees. The rules shared with the other writes of a run are in `waitlist.ts`.
 */

export interface WaitlistResult {
  message: string;
  waiting: boolean;
  /** 1 = next in line; null when not waiting. */
  position: number | null;
}

/** `POST /group/:groupId/waitlist`: joins the full run's waitlist, or leaves it (a toggle). */
export async function toggleWaitlist(
  ctx: Pick<AppContext, 'now' | 'sequelize'>,
  userId: string,
  groupId: string,
): Promise<WaitlistResult> {
  return transactionRetryingDeadlocks(ctx.sequelize, async (transaction) => {
    const group = await lockRun(ctx.sequelize, groupId, transaction);
    // The application's deadline: the queue closes when the run starts.
    if (hasStarted(group, ctx.now())) throw badRequest(WAITLIST.closed);
    if (group.userId === userId) throw badRequest(WAITLIST.host);
    const seats = await selectSeats(ctx.sequelize, groupId, userId, transaction);
    if (seats.mineId !== null) throw conflict(WAITLIST.alreadyApplied);
    if (seats.waitlistId !== null) {
      await deleteWaiter(ctx.sequelize, seats.waitlistId, transaction);
      return { message: WAITLIST.left, waiting: false, position: null };
    }
    if (seats.applyPeople < group.maxPeople) throw conflict(WAITLIST.notFull);
    await insertWaiter(ctx.sequelize, { groupId, userId, createdAt: ctx.now() }, transaction);
    // Last in line: the queue is in `waitlistId` order, and the new id, handed out under the
    // run's lock, comes after every waiter counted above.
    const position = seats.waiting + 1;
    return { message: WAITLIST.joined, waiting: true, position };
  });
}

/**
 * A withdrawal frees the seats the user holds on runs not yet started, and their places in
 * waitlists: those runs are locked (in id order, so two withdrawals cannot deadlock) before the
 * account's rows go, so no promotion on them runs meanwhile, and `fillFreedSeats` promotes their
 * waiters once the rows are gone.
 */
export async function lockRunsHeldBy(
  ctx: Pick<AppContext, 'now' | 'sequelize'>,
  userId: string,
  transaction: Transaction,
): Promise<string[]> {
  const groupIds = await runsHeldBy(userId, notStartedWhere(ctx.now()), transaction);
  for (const groupId of groupIds) {
    await lockRun(ctx.sequelize, groupId, transaction);
  }
  return groupIds;
}
