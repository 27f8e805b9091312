import type { Transaction } from 'sequelize';
import { User } from '../users/user.model';
import { Applier } from './applier.model';
import type { Group } from './group.model';

type Person = { nickname: string; profileUrl: string };

/** An application with the applicant's public fields. */
export interface Applicant {
  applyId: string;
  userId: string;
  attendance: boolean;
  evaluation: number;
  nickname: string;
  profileUrl: string;
}

/**
 * Everyone who applied to a run (the host included), in one query with their users. The order
 * is stable: by nickname, then userId. It is the order of the detail's `Appliers` (after the
 * host) and of the attendance sheet, so a host ticks runners off alphabetically.
 */
export async function rosterOf(groupId: string, transaction?: Transaction): Promise<Applicant[]> {
  // Plain rows: no model instances to build for what is only read.
  const rows = (await Applier.findAll({
    attributes: ['applyId', 'userId', 'attendance', 'evaluation'],
    where: { groupId },
    include: [{ model: User, as: 'user', attributes: ['nickname', 'profileUrl'], required: true }],
    order: [
      [{ model: User, as: 'user' }, 'nickname', 'ASC'],
      ['userId', 'ASC'],
    ],
    raw: true,
    nest: true,
    transaction,
  })) as unknown as Array<Omit<Applicant, 'nickname' | 'profileUrl'> & { user: Person }>;
  return rows.map((row) => ({
    applyId: row.applyId,
    userId: row.userId,
    attendance: Boolean(row.attendance),
    evaluation: row.evaluation,
    nickname: row.user.nickname,
    profileUrl: row.user.profileUrl,
  }));
}

/** The roster with the host first (the detail page's participant avatars). */
export function hostFirst(group: Pick<Group, 'userId'>, roster: Applicant[]): Applicant[] {
  return [
    ...roster.filter((a) => a.userId === group.userId),
    ...roster.filter((a) => a.userId !== group.userId),
  ];
}

/** The runners of the attendance sheet: the roster without the host. */
export function runnersOf(group: Pick<Group, 'userId'>, roster: Applicant[]): Applicant[] {
  return roster.filter((a) => a.userId !== group.userId);
}
