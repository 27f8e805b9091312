import type { Transaction } from 'sequelize';
import type { Group } from '../db/models';
import { selectRoster, type Applicant } from './seats.queries';

export type { Applicant };

/**
 * Everyone who applied to a run (the host included). The order is stable: by nickname, then
 * userId. It is the order of the detail's `Appliers` (after the host) and of the attendance
 * sheet, so a host ticks runners off alphabetically.
 */
export const rosterOf = (groupId: string, transaction?: Transaction): Promise<Applicant[]> =>
  selectRoster(groupId, transaction);

/** The roster with the host first (the detail page's participant avatars). */
export function hostFirst<T extends Pick<Applicant, 'userId'>>(
  group: Pick<Group, 'userId'>,
  roster: T[],
): T[] {
  return [
    ...roster.filter((a) => a.userId === group.userId),
    ...roster.filter((a) => a.userId !== group.userId),
  ];
}

/** The runners of the attendance sheet: the roster without the host. */
export function runnersOf(group: Pick<Group, 'userId'>, roster: Applicant[]): Applicant[] {
  return roster.filter((a) => a.userId !== group.userId);
}
