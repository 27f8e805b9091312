import type { Request, Response } from 'express';
import { currentUser } from '../auth/middleware';
import type { AppContext } from '../lib/context';
import { logout } from './users.service';

/** `GET /user/auth`: who am I, in the shape the SPA stores in localStorage. */
export function me(_req: Request, res: Response) {
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
export function logoutHandler(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    const user = currentUser(res);
    await logout(ctx, user.userId, user.sid);
    res.json({ success: true, message: '로그아웃 되었습니다' });
  };
}
