import { Router } from 'express';
import { requireUser } from '../auth/middleware';
import type { AppContext } from '../lib/context';
import { logoutHandler, me } from './users.controller';

/** `/user`: identity and sessions. */
export function usersRouter(ctx: AppContext): Router {
  const router = Router();
  router.get('/auth', requireUser(ctx), me);
  router.delete('/logout', requireUser(ctx), logoutHandler(ctx));
  return router;
}
