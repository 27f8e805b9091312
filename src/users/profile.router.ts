import { Router } from 'express';
import { optionalUser, requireUser } from '../auth/middleware';
import type { AppContext } from '../lib/context';
import { uploadImages } from '../uploads';
import {
  preferencesHandler,
  publicProfileHandler,
  settingsHandler,
  updateProfileHandler,
} from './profile.controller';
import { validatePreferences, validateProfile } from './users.validators';

/** `/auth`: profiles and preferences (the original's prefix for them). */
export function profileRouter(ctx: AppContext): Router {
  const router = Router();

  router.get('/info/:userId', optionalUser(ctx), publicProfileHandler(ctx));
  router.get('/updateUser', requireUser(ctx), settingsHandler(ctx));
  router.patch(
    '/updateUser',
    requireUser(ctx),
    uploadImages(ctx, { field: 'image', maxCount: 1 }),
    validateProfile,
    updateProfileHandler(ctx),
  );
  router.patch('/userLike', requireUser(ctx), validatePreferences, preferencesHandler);
  return router;
}
