import { User } from '../db/models';
import { shortLocation } from '../lib/codes';
import type { AppContext } from '../lib/context';
import { notFound } from '../lib/errors';
import { likeDistanceLabel, likeLocationLabel, userLevelCode, type UserLevel } from '../lib/labels';
import { formatMobile } from '../lib/phone';
import { formatListDate, kstDate, kstDaysUntil, kstTime } from '../lib/time';
import {
  defaultGroupThumbnailUrl,
  listImageUrl,
  avatarUrl,
  profileImageRef,
  type PreparedImage,
} from '../uploads';
import { USER_MESSAGES } from './messages';
import { appliedRunsAfter, evaluationCounts } from './users.queries';
import { claimNickname, normalizeNickname, type NicknameClaim } from './nickname';

const EVALUATION_CATEGORIES = 10;

/** One of the user's coming runs in the public profile (`waiting[]`). */
export interface WaitingRun {
  dDay: number;
  date: string;
  title: string;
  location: string;
  /** Rendered as-is by the SPA, so it carries its unit. */
  distance: string;
  thema: string;
  groupId: string;
  thumbnailUrl: string | null;
  standbyTime: string;
  appliedPeople: number;
}

export interface PublicProfile {
  totalEvaluationCount: number;
  evaluation: Record<string, number>;
  userInfo: {
    userId: string;
    nickname: string;
    profileUrl: string;
    bio: string | null;
    likeLocation: string | null;
    likeDistance: string | null;
    userLevel: string | null;
    mannerPoint: number;
  };
  waiting: WaitingRun[];
}

/** How the user's runs were rated by their participants: category 1..10 → count. */
async function evaluationHistogram(ctx: Pick<AppContext, 'sequelize'>, hostId: string) {
  const rows = await evaluationCounts(ctx.sequelize, hostId, EVALUATION_CATEGORIES);
  const evaluation: Record<string, number> = {};
  for (let n = 1; n <= EVALUATION_CATEGORIES; n += 1) evaluation[`evaluationCategory${n}`] = 0;
  let total = 0;
  for (const row of rows) {
    evaluation[`evaluationCategory${row.evaluation}`] = row.count;
    total += row.count;
  }
  return { evaluation, total };
}

/** Runs the user applied to (hosts apply to their own) that have not started yet, soonest first. */
async function upcomingRuns(
  ctx: Pick<AppContext, 'config' | 'now'>,
  userId: string,
): Promise<WaitingRun[]> {
  const now = ctx.now();
  const runs = await appliedRunsAfter(userId, kstDate(now), kstTime(now));
  return runs.map((g) => ({
    dDay: kstDaysUntil(g.date, now),
    date: formatListDate(g.date, g.standbyTime),
    title: g.title,
    location: shortLocation(g.location),
    distance: `${g.distance}km`,
    thema: g.thema,
    groupId: g.groupId,
    thumbnailUrl:
      listImageUrl(ctx.config, g.thumbnailUrl1) ?? defaultGroupThumbnailUrl(ctx.config, g.thema),
    standbyTime: g.standbyTime,
    appliedPeople: g.appliedPeople,
  }));
}

/** `GET /auth/info/:userId`: anyone's profile page. */
export async function loadPublicProfile(
  ctx: Pick<AppContext, 'config' | 'now' | 'sequelize'>,
  userId: string,
): Promise<PublicProfile> {
  const user = await User.findByPk(userId);
  if (!user) throw notFound(USER_MESSAGES.profileNotFound);
  const [{ evaluation, total }, waiting] = await Promise.all([
    evaluationHistogram(ctx, userId),
    upcomingRuns(ctx, userId),
  ]);
  return {
    totalEvaluationCount: total,
    evaluation,
    userInfo: {
      userId: user.userId,
      nickname: user.nickname,
      profileUrl: avatarUrl(ctx.config, user.profileUrl),
      bio: user.bio,
      likeLocation: likeLocationLabel(user.likeLocation),
      likeDistance: likeDistanceLabel(user.likeDistance),
      userLevel: user.userLevel,
      mannerPoint: user.mannerPoint,
    },
    waiting,
  };
}

/** The verified number for the settings form, or null (never verified, or unreadable). */
function readPhone(ctx: Pick<AppContext, 'phones' | 'logger'>, user: User): string | null {
  // The original's test data wrote the string 'null'.
  if (user.phone === null || user.phone === 'null') return null;
  try {
    return formatMobile(ctx.phones.decrypt(user.phone));
  } catch (err) {
    // A wrong key must be noticed, but the user can still verify again.
    ctx.logger.error('stored phone number cannot be read', {
      userId: user.userId,
      error: (err as Error).message,
    });
    return null;
  }
}

/** `GET /auth/updateUser`: the settings form, with codes where the form uses codes. */
export async function loadSettings(
  ctx: Pick<AppContext, 'config' | 'phones' | 'logger'>,
  userId: string,
) {
  const user = await User.findByPk(userId);
  if (!user) throw notFound(USER_MESSAGES.profileNotFound);
  const phone = readPhone(ctx, user);
  return {
    userId: user.userId,
    nickname: user.nickname,
    profileUrl: avatarUrl(ctx.config, user.profileUrl),
    bio: user.bio,
    likeLocation: user.likeLocation,
    likeDistance: user.likeDistance,
    userLevel: userLevelCode(user.userLevel),
    mannerPoint: user.mannerPoint,
    phone,
    agreeSMS: Boolean(user.agreeSMS),
    certPhone: phone !== null,
  };
}

export interface Preferences {
  likeLocation: string;
  likeDistance: string;
  userLevel: UserLevel;
}

/** `PATCH /auth/userLike`: the first-login survey (afterwards `firstLogin` is false). */
export async function savePreferences(userId: string, input: Preferences): Promise<void> {
  await User.update(input, { where: { userId } });
}

/** What the SPA sends back as the bio when the user left it empty (it shows this as a hint). */
const BIO_PLACEHOLDER = '한 줄 소개를 작성해보세요!';

/** The validated profile form: blank fields left out; `phone` is ignored. */
export interface ProfileForm {
  nickname?: string;
  /** Present as text, or null when sent as something else (either may clear the bio). */
  bio?: string | null;
  likeLocation?: string;
  likeDistance?: string;
  userLevel?: UserLevel;
  agreeSMS?: boolean;
}

/** Fields of the profile form as stored; an absent field is left as it is. */
type ProfileChanges = ProfileForm;

/** The form as changes: the nickname as nicknames are kept, an empty or hint bio cleared. */
function profileChanges(form: ProfileForm): ProfileChanges {
  const { nickname, bio, ...rest } = form;
  const changes: ProfileChanges = { ...rest };
  if (nickname !== undefined) changes.nickname = normalizeNickname(nickname);
  if (bio !== undefined) {
    const text = (bio ?? '').trim();
    changes.bio = text === '' || text === BIO_PLACEHOLDER ? null : text;
  }
  return changes;
}

/**
 * `PATCH /auth/updateUser`. A new picture is stored only once the rest is known to be valid
 * and the old one (if it was ours) is deleted only once the new one is saved. The phone number
 * is not changed here: only a verification sets it.
 */
export async function updateProfile(
  ctx: Pick<AppContext, 'config' | 'images' | 'sequelize' | 'store'>,
  userId: string,
  form: ProfileForm,
  image: PreparedImage | null,
): Promise<void> {
  const changes = profileChanges(form);
  const user = await User.findByPk(userId);
  if (!user) throw notFound(USER_MESSAGES.profileNotFound);
  let claim: NicknameClaim | null = null;
  if (changes.nickname !== undefined && changes.nickname !== user.nickname) {
    claim = await claimNickname(ctx, changes.nickname, userId);
  }
  try {
    const [key] = image ? await ctx.images.store([image], 'profile') : [];
    const profileUrl = key ? profileImageRef(key) : undefined;
    const values = Object.fromEntries(
      Object.entries({ ...changes, profileUrl }).filter(([, v]) => v !== undefined),
    );
    try {
      if (Object.keys(values).length > 0) await User.update(values, { where: { userId } });
    } catch (err) {
      if (key) ctx.images.remove('profile', [key]);
      throw err;
    }
    if (profileUrl) ctx.images.removeProfileByUrl(user.profileUrl);
  } finally {
    await claim?.release();
  }
}
