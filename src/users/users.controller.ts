import type { Request, Response } from 'express';
import { currentUser } from '../auth/middleware';
import type { AppContext } from '../lib/context';
import { avatarUrl } from '../uploads';
import { loginWithProvider } from './login.service';
import { USER_MESSAGES } from './messages';
import type { Provider, SocialLogin } from './oauth';
import { sendVerificationCode, verifyPhone } from './phone-verification.service';
import { logout, withdraw } from './users.service';
import { postVerificationCodeInput, postVerificationInput } from './users.validators';

/** `GET /user/auth`: who am I, in the shape the SPA stores in localStorage. */
export function getCurrentUser(_req: Request, res: Response) {
  const user = currentUser(res);
  res.json({
    success: true,
    userId: user.userId,
    nickname: user.nickname,
    profileUrl: user.profileUrl,
    firstLogin: user.firstLogin,
    agreeSMS: user.agreeSMS,
  });
}

/** `DELETE /user/logout`: ends this device's session (its refresh token stops working). */
export function removeSession(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    const user = currentUser(res);
    await logout(ctx, user.userId, user.sid);
    res.json({ success: true, message: USER_MESSAGES.loggedOut });
  };
}

/**
 * `GET /user/<provider>/callback?code=`: the SPA hands over the provider's code and stores
 * what comes back (the `succcss` spelling is the one it was built against).
 */
export function getSocialCallback(ctx: AppContext, social: SocialLogin, provider: Provider) {
  return async (req: Request, res: Response) => {
    const profile = await social.exchange(provider, req, res);
    const { user, token, refreshToken } = await loginWithProvider(ctx, profile);
    res.json({
      succcss: true,
      token,
      refreshToken,
      userId: user.userId,
      nickname: user.nickname,
      profileUrl: avatarUrl(ctx.config, user.profileUrl),
      firstLogin: !user.likeLocation,
      agreeSMS: Boolean(user.agreeSMS),
    });
  };
}

/** `DELETE /user/delete`: withdraw (see `withdraw` for what goes with the account). */
export function removeAccount(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    await withdraw(ctx, currentUser(res).userId);
    res.json({ success: true, message: USER_MESSAGES.withdrawn });
  };
}

/** `POST /user/message {tel}`: texts a verification code. */
export function postVerificationCode(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    const input = postVerificationCodeInput.input(res);
    await sendVerificationCode(ctx, currentUser(res).userId, input);
    res.json({ success: true, message: USER_MESSAGES.codeSent });
  };
}

/** `POST /user/verify {tel, code}`: stores the number once the code matches. */
export function postVerification(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    const input = postVerificationInput.input(res);
    await verifyPhone(ctx, currentUser(res).userId, input);
    res.json({ success: true, message: USER_MESSAGES.phoneVerified });
  };
}
