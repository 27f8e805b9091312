import type { Request, Response } from 'express';
import { currentUser } from '../auth/middleware';
import type { AppContext } from '../lib/context';
import { uploadedImages } from '../uploads';
import { USER_MESSAGES } from './messages';
import { loadPublicProfile, loadSettings, savePreferences, updateProfile } from './profile.service';
import { getProfileInput, patchPreferencesInput, patchProfileInput } from './users.validators';

/** `GET /auth/info/:userId`: anyone's profile. */
export function getProfile(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    const { userId } = getProfileInput.input(res);
    const data = await loadPublicProfile(ctx, userId);
    res.json({ success: true, data });
  };
}

/** `GET /auth/updateUser`: the signed-in user's settings form. */
export function getSettings(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    const data = await loadSettings(ctx, currentUser(res).userId);
    res.json({ success: true, data });
  };
}

/** `PATCH /auth/userLike`: the first-login survey (validated: every field present). */
export async function patchPreferences(_req: Request, res: Response) {
  await savePreferences(currentUser(res).userId, patchPreferencesInput.input(res));
  res.json({ success: true, message: USER_MESSAGES.profileSaved });
}

/**
 * `PATCH /auth/updateUser` (multipart). `image` is a new file, or the current URL as a text
 * field, which means "keep the picture".
 */
export function patchProfile(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    const [image] = uploadedImages(res);
    const input = patchProfileInput.input(res);
    await updateProfile(ctx, currentUser(res).userId, input, image ?? null);
    res.json({ success: true, message: USER_MESSAGES.profileSaved });
  };
}
