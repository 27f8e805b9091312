import { User } from './user.model';
import { endSession } from '../auth/tokens';
import type { AppContext } from '../lib/context';

export async function logout(ctx: AppContext, userId: string, sid: string): Promise<void> {
  await endSession(ctx, userId, sid);
}

/** The avatar of users whose provider gave none (served from the app's own assets). */
export function defaultProfileUrl(ctx: Pick<AppContext, 'config'>): string {
  return `${ctx.config.publicUrl}/assets/default-profile.png`;
}

/** A local account (no social login) for tooling: the first user with that nickname, or a new one. */
export async function findOrCreateLocalUser(ctx: AppContext, nickname: string): Promise<User> {
  const existing = await User.findOne({ where: { nickname }, order: [['userId', 'ASC']] });
  if (existing) return existing;
  return User.create({
    nickname,
    profileUrl: defaultProfileUrl(ctx),
    bio: null,
    likeLocation: null,
    likeDistance: null,
    userLevel: null,
    social: 'local',
    socialId: null,
    phone: null,
  });
}
