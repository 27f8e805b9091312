import type { Request, Response } from 'express';
import { currentUser } from '../auth/middleware';
import type { AppContext } from '../lib/context';
import { userLevelFromInput, type UserLevel } from '../lib/labels';
import { uploadedImages } from '../uploads';
import { USER_MESSAGES } from './messages';
import { normalizeNickname } from './nickname';
import {
  getPublicProfile,
  getSettings,
  savePreferences,
  updateProfile,
  type ProfileChanges,
} from './profile.service';
import { isBlank, parseFlag } from './users.validators';

/** What the SPA sends back as the bio when the user left it empty (it shows this as a hint). */
const BIO_PLACEHOLDER = '한 줄 소개를 작성해보세요!';

/** `GET /auth/info/:userId`: anyone's profile. */
export function publicProfileHandler(ctx: AppContext) {
  return async (req: Request, res: Response) => {
    const data = await getPublicProfile(ctx, String(req.params.userId));
    res.json({ success: true, data });
  };
}

/** `GET /auth/updateUser`: the signed-in user's settings form. */
export function settingsHandler(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    const data = await getSettings(ctx, currentUser(res).userId);
    res.json({ success: true, data });
  };
}

/** `PATCH /auth/userLike`: the first-login survey (validated: every field present). */
export async function preferencesHandler(req: Request, res: Response) {
  await savePreferences(currentUser(res).userId, {
    likeLocation: String(req.body.likeLocation),
    likeDistance: String(req.body.likeDistance),
    userLevel: userLevelFromInput(req.body.userLevel) as UserLevel,
  });
  res.json({ success: true, message: USER_MESSAGES.profileSaved });
}

/** The validated form fields as changes: blanks leave a field as it is; `phone` is ignored. */
function profileChanges(body: Record<string, unknown>): ProfileChanges {
  const changes: ProfileChanges = {};
  if (typeof body.nickname === 'string') changes.nickname = normalizeNickname(body.nickname);
  if (body.bio !== undefined) {
    const bio = typeof body.bio === 'string' ? body.bio.trim() : '';
    changes.bio = bio === '' || bio === BIO_PLACEHOLDER ? null : bio;
  }
  if (!isBlank(body.likeLocation)) changes.likeLocation = String(body.likeLocation);
  if (!isBlank(body.likeDistance)) changes.likeDistance = String(body.likeDistance);
  if (!isBlank(body.userLevel)) changes.userLevel = userLevelFromInput(body.userLevel) ?? undefined;
  if (!isBlank(body.agreeSMS)) changes.agreeSMS = parseFlag(body.agreeSMS) ?? undefined;
  return changes;
}

/**
 * `PATCH /auth/updateUser` (multipart). `image` is a new file, or the current URL as a text
 * field, which means "keep the picture".
 */
export function updateProfileHandler(ctx: AppContext) {
  return async (req: Request, res: Response) => {
    const [image] = uploadedImages(res);
    await updateProfile(
      ctx,
      currentUser(res).userId,
      profileChanges(req.body ?? {}),
      image ?? null,
    );
    res.json({ success: true, message: USER_MESSAGES.profileSaved });
  };
}
