import { Router } from 'express';
import { optionalUser, requireUser } from '../auth/middleware';
import type { AppContext } from '../lib/context';
import { uploadImages } from '../uploads';
import { getProfile, getSettings, patchPreferences, patchProfile } from './profile.controller';
import { getProfileInput, patchPreferencesInput, patchProfileInput } from './users.validators';

/** `/auth`: profiles and preferences (the original's prefix for them). */
export function profileRouter(ctx: AppContext): Router {
  const router = Router();

  router.get('/info/:userId', optionalUser(ctx), getProfileInput.check, getProfile(ctx));
  router.get('/updateUser', requireUser(ctx), getSettings(ctx));
  router.patch(
    '/updateUser',
    requireUser(ctx),
    uploadImages(ctx, { field: 'image', maxCount: 1 }),
    patchProfileInput.check,
    patchProfile(ctx),
  );
  router.patch('/userLike', requireUser(ctx), patchPreferencesInput.check, patchPreferences);
  return router;
}
