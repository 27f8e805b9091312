import type { AppContext } from '../lib/context';
import { badRequest, conflict } from '../lib/errors';
import { deleteApplier, insertApplier, lockRun, selectSeats } from './seats.queries';
import { GROUP } from './messages';
import { hasStarted } from './schedule';
import { applyingWaiter, promoteWaiters } from './waitlist';
import { transactionRetryingDeadlocks } from '../db/retry';

export interface ApplyResult {
  message: string;
  data: { applyPeople: number; applyState: boolean };
}

/**
 * `POST /group/:groupId/apply`: applies, or cancels an application (a toggle). Capacity counts
 * the host. The group's row is locked for the whole check-and-write, so concurrent applicants
 * queue and the seat count holds (MySQL: SELECT … FOR UPDATE; SQLite: writers are serial);
 * the unique (groupId, userId) key stops a double application in any case. A cancellation
 * promotes the run's first waiter in the same transaction, and takes the user out of the
 * group's chat room. A waiter cannot apply past the queue of a full run.
 */
export async function toggleApplication(
  ctx: Pick<AppContext, 'events' | 'now' | 'sequelize'>,
  userId: string,
  groupId: string,
): Promise<ApplyResult> {
  const result = await transactionRetryingDeadlocks(ctx.sequelize, async (transaction) => {
    const group = await lockRun(ctx.sequelize, groupId, transaction);
    if (hasStarted(group, ctx.now())) throw badRequest(GROUP.applyClosed);
    // The applicants, the user's own application and waitlist place (their ids), in one read.
    const seats = await selectSeats(ctx.sequelize, groupId, userId, transaction);
    const applyPeople = seats.applyPeople;
    if (seats.mineId !== null) {
      if (group.userId === userId) throw badRequest(GROUP.hostCannotCancel);
      // By primary key: a record lock only. Deleting by (groupId, userId) let MariaDB pick the
      // userId index and lock the gaps around it, which blocks other users' applications.
      await deleteApplier(ctx.sequelize, seats.mineId, transaction);
      // The seat goes to the first waiter before anyone else can see it free (nobody waits:
      // nothing to read).
      const promoted =
        seats.waiting > 0 ? await promoteWaiters(ctx, group, applyPeople - 1, transaction) : [];
      return {
        message: GROUP.cancelled,
        data: { applyPeople: applyPeople - 1 + promoted.length, applyState: false },
      };
    }
    const full = applyPeople >= group.maxPeople;
    await applyingWaiter(ctx.sequelize, seats.waitlistId, full, transaction);
    if (full) throw conflict(GROUP.full);
    await insertApplier(ctx.sequelize, { groupId, userId }, transaction);
    return { message: GROUP.applied, data: { applyPeople: applyPeople + 1, applyState: true } };
  });
  // Committed: a cancelled applicant no longer hears the group's chat.
  if (!result.data.applyState) ctx.events.userLeftGroup(groupId, userId);
  return result;
}
