import { Router } from 'express';
import { requireUser } from '../auth/middleware';
import type { AppContext } from '../lib/context';
import {
  logoutHandler,
  me,
  sendCodeHandler,
  socialCallback,
  verifyHandler,
  withdrawHandler,
} from './users.controller';
import { validateTel, validateVerification } from './users.validators';

/** `/user`: social login, identity, sessions, withdrawal and phone verification. */
export function usersRouter(ctx: AppContext): Router {
  const router = Router();
  const social = ctx.oauth;

  router.get('/kakao', social.start('kakao'));
  router.get('/kakao/callback', socialCallback(ctx, social, 'kakao'));
  router.get('/naver', social.start('naver'));
  router.get('/naver/callback', socialCallback(ctx, social, 'naver'));

  router.get('/auth', requireUser(ctx), me);
  router.delete('/logout', requireUser(ctx), logoutHandler(ctx));
  router.delete('/delete', requireUser(ctx), withdrawHandler(ctx));
  router.post('/message', requireUser(ctx), validateTel, sendCodeHandler(ctx));
  router.post('/verify', requireUser(ctx), validateVerification, verifyHandler(ctx));
  return router;
}
