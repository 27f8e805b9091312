import { UniqueConstraintError } from 'sequelize';
import { startSession } from '../auth/sessions';
import type { AppContext } from '../lib/context';
import { User } from '../db/models';
import { claimFreeNickname, cutNickname } from './nickname';
import type { ProviderProfile } from './oauth';
import { DEFAULT_PROFILE_REF } from '../uploads';

export interface LoginResult {
  user: User;
  token: string;
  refreshToken: string;
}

/** Profile URLs are rendered by the SPA over https; the providers' CDNs serve both schemes. */
function providerImage(url: string | null): string {
  if (url) {
    try {
      const parsed = new URL(url);
      if (parsed.protocol === 'http:') parsed.protocol = 'https:';
      const href = parsed.href;
      if (parsed.protocol === 'https:' && href.length <= 255) return href;
    } catch {
      // Not a URL: fall back to our own picture.
    }
  }
  return DEFAULT_PROFILE_REF;
}

/**
 * The user of a provider account, created on its first login. Existing users keep what they set
 * here (the provider's later nickname or picture changes are not copied, as in the original).
 * Two first logins at the same moment create one user: the unique (social, socialId) index
 * refuses the second insert, which then reads the first's row.
 */
async function findOrCreateUser(
  ctx: Pick<AppContext, 'config' | 'sequelize' | 'store'>,
  profile: ProviderProfile,
): Promise<User> {
  const identity = { social: profile.provider, socialId: profile.id };
  const existing = await User.findOne({ where: identity });
  if (existing) return existing;

  const claim = await claimFreeNickname(ctx, cutNickname(profile.nickname));
  try {
    return await User.create({
      ...identity,
      nickname: claim.nickname,
      profileUrl: providerImage(profile.profileImage),
      bio: null,
      likeLocation: null,
      likeDistance: null,
      userLevel: null,
      phone: null,
    });
  } catch (err) {
    if (err instanceof UniqueConstraintError) {
      const winner = await User.findOne({ where: identity });
      if (winner) return winner;
    }
    throw err;
  } finally {
    await claim.release();
  }
}

/** Signs the provider account in: a new session with its tokens. */
export async function loginWithProvider(
  ctx: Pick<AppContext, 'config' | 'now' | 'sequelize' | 'store'>,
  profile: ProviderProfile,
): Promise<LoginResult> {
  const user = await findOrCreateUser(ctx, profile);
  const session = await startSession(ctx, user.userId);
  return { user, token: session.token, refreshToken: session.refreshToken };
}
