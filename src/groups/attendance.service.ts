import { Applier, Group, User } from '../db/models';
import type { AppContext } from '../lib/context';
import { badRequest, conflict, forbidden } from '../lib/errors';
import { toAttendanceSheet } from './groups.mapper';
import { findGroup, groupWithHost } from './groups.service';
import { GROUP } from './messages';
import { rosterOf, runnersOf, type Applicant } from './roster';
import { attendanceIsOpen } from './schedule';
import { lockRun } from './seats.queries';

/**
 * The attendance sheet. The host opens it from 30 minutes before the start and submits it once;
 * the runners ticked are recorded as present (attendance = true, mannerPoint + 1 each) and
 * nobody else is. The host's own row is marked too: it is how "submitted" is recorded.
 *
 * The SPA submits indexes into the `applyUser` list it was given, and applications may change
 * while the sheet is open. So the list handed out is kept (key store, a day) and the indexes
 * are read against exactly that list; a runner who has cancelled since is skipped, one who has
 * applied since was not on the sheet. Without a kept list (expired), the current one is used.
 */
const SHEET_TTL_SECONDS = 24 * 60 * 60;
const sheetKey = (groupId: string) => `attendance-sheet:${groupId}`;

function assertSheetOpen(group: Group, hostId: string, now: Date): void {
  if (group.userId !== hostId) throw forbidden(GROUP.notHost);
  if (!attendanceIsOpen(group, now)) throw badRequest(GROUP.attendanceNotYet);
}

const isSubmitted = (group: Group, roster: Applicant[]) =>
  roster.some((a) => a.userId === group.userId && a.attendance);

/** `GET /group/attendance/:groupId`. */
export async function openAttendanceSheet(
  ctx: Pick<AppContext, 'config' | 'now' | 'store'>,
  hostId: string,
  groupId: string,
) {
  const { group, host } = await groupWithHost(groupId);
  assertSheetOpen(group, hostId, ctx.now());
  const roster = await rosterOf(groupId);
  if (isSubmitted(group, roster)) throw conflict(GROUP.attendanceSubmitted);
  const runners = runnersOf(group, roster);
  await ctx.store.set(
    sheetKey(groupId),
    JSON.stringify(runners.map((r) => r.userId)),
    SHEET_TTL_SECONDS,
  );
  return toAttendanceSheet(ctx.config, group, host, roster.length, runners);
}

/** The runners' ids in the order the host was shown them. */
async function sheetOf(ctx: Pick<AppContext, 'store'>, group: Group): Promise<string[]> {
  const saved = await ctx.store.get(sheetKey(group.groupId));
  if (saved !== null) {
    try {
      const ids: unknown = JSON.parse(saved);
      if (Array.isArray(ids) && ids.every((id) => typeof id === 'string')) return ids;
    } catch {
      // Not ours: fall back to the current list.
    }
  }
  return runnersOf(group, await rosterOf(group.groupId)).map((r) => r.userId);
}

/** `PATCH /group/attendance/:groupId` with `{ attendance: [indexes into applyUser] }`. */
export async function submitAttendance(
  ctx: Pick<AppContext, 'now' | 'sequelize' | 'store'>,
  hostId: string,
  groupId: string,
  indexes: number[],
): Promise<void> {
  const now = ctx.now();
  const group = await findGroup(groupId);
  assertSheetOpen(group, hostId, now);
  const sheet = await sheetOf(ctx, group);
  if (indexes.some((i) => i >= sheet.length)) throw badRequest(GROUP.attendanceFailed);
  const ticked = [...new Set(indexes.map((i) => sheet[i]))].filter((id) => id !== hostId);

  await ctx.sequelize.transaction(async (transaction) => {
    await lockRun(ctx.sequelize, groupId, transaction);
    const hostRow = await Applier.findOne({ where: { groupId, userId: hostId }, transaction });
    if (hostRow?.attendance) throw conflict(GROUP.attendanceSubmitted);
    if (hostRow) await hostRow.update({ attendance: true }, { transaction });
    else await Applier.create({ groupId, userId: hostId, attendance: true }, { transaction });

    if (ticked.length === 0) return;
    const present = (
      await Applier.findAll({
        attributes: ['userId'],
        where: { groupId, userId: ticked },
        transaction,
      })
    ).map((a) => a.userId);
    if (present.length === 0) return;
    await Applier.update(
      { attendance: true },
      { where: { groupId, userId: present }, transaction },
    );
    await User.increment('mannerPoint', { by: 1, where: { userId: present }, transaction });
  });
  await ctx.store.del(sheetKey(groupId)).catch(() => undefined);
}
