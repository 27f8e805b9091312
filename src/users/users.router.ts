import { Router } from 'express';
import { requireUser } from '../auth/middleware';
import type { AppContext } from '../lib/context';
import {
  getCurrentUser,
  getSocialCallback,
  postVerification,
  postVerificationCode,
  removeAccount,
  removeSession,
} from './users.controller';
import { postVerificationCodeInput, postVerificationInput } from './users.validators';

/** `/user`: social login, identity, sessions, withdrawal and phone verification. */
export function usersRouter(ctx: AppContext): Router {
  const router = Router();
  const social = ctx.oauth;

  router.get('/kakao', social.start('kakao'));
  router.get('/kakao/callback', getSocialCallback(ctx, social, 'kakao'));
  router.get('/naver', social.start('naver'));
  router.get('/naver/callback', getSocialCallback(ctx, social, 'naver'));

  router.get('/auth', requireUser(ctx), getCurrentUser);
  router.delete('/logout', requireUser(ctx), removeSession(ctx));
  router.delete('/delete', requireUser(ctx), removeAccount(ctx));
  router.post(
    '/message',
    requireUser(ctx),
    postVerificationCodeInput.check,
    postVerificationCode(ctx),
  );
  router.post('/verify', requireUser(ctx), postVerificationInput.check, postVerification(ctx));
  return router;
}
