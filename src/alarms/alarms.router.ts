import { Router } from 'express';
import { requireUser } from '../auth/middleware';
import type { AppContext } from '../lib/context';
import { getAlarms, patchAlarms } from './alarms.controller';

/**
 * `/alarm`: the signed-in user's notifications. The original declared these optional and then
 * failed for guests; here a guest gets the 401 auth message the SPA turns into a login prompt.
 */
export function alarmsRouter(ctx: AppContext): Router {
  const router = Router();
  router.get('/', requireUser(ctx), getAlarms(ctx));
  router.patch('/', requireUser(ctx), patchAlarms);
  return router;
}
