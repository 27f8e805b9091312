import type { AppContext } from '../lib/context';
import { badRequest, conflict } from '../lib/errors';
import { Applier } from './applier.model';
import { lockGroup } from './groups.service';
import { GROUP } from './messages';
import { hasStarted } from './schedule';

export interface ApplyResult {
  message: string;
  data: { applyPeople: number; applyState: boolean };
}

/**
 * `POST /group/:groupId/apply`: applies, or cancels an application (a toggle). Capacity counts
 * the host. The group's row is locked for the whole check-and-write, so concurrent applicants
 * queue and the seat count holds (MySQL: SELECT … FOR UPDATE; SQLite: writers are serial);
 * the unique (groupId, userId) key stops a double application in any case.
 */
export async function toggleApplication(
  ctx: AppContext,
  userId: string,
  groupId: string,
): Promise<ApplyResult> {
  return ctx.sequelize.transaction(async (transaction) => {
    const group = await lockGroup(groupId, transaction);
    if (hasStarted(group, ctx.now())) throw badRequest(GROUP.applyClosed);
    const mine = await Applier.findOne({ where: { groupId, userId }, transaction });
    const applyPeople = await Applier.count({ where: { groupId }, transaction });
    if (mine) {
      if (group.userId === userId) throw badRequest(GROUP.hostCannotCancel);
      await mine.destroy({ transaction });
      return {
        message: GROUP.cancelled,
        data: { applyPeople: applyPeople - 1, applyState: false },
      };
    }
    if (applyPeople >= group.maxPeople) throw conflict(GROUP.full);
    await Applier.create({ groupId, userId }, { transaction });
    return { message: GROUP.applied, data: { applyPeople: applyPeople + 1, applyState: true } };
  });
}
