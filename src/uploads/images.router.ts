import path from 'node:path';
import express, { Router } from 'express';
import type { Theme } from '../lib/codes';
import type { AppContext } from '../lib/context';
import { ASSETS_DIR } from '../lib/paths';
import { themeOfDefaultThumbnail } from './urls';

const THEME_FILES: Record<Theme, string> = {
  산: 'mountain.png',
  도시: 'city.png',
  강변: 'river.png',
  해변: 'beach.png',
  공원: 'park.png',
  트랙: 'track.png',
};

/**
 * Without S3, the app serves the image folder itself under `/images`, mirroring the bucket
 * layout (so IMAGE_BASE_URL defaults to `<PUBLIC_URL>/images`), plus the default theme
 * thumbnails that the bucket would hold.
 */
export function localImagesRouter(ctx: AppContext): Router {
  const router = Router();
  router.get('/groupthumbnail/:name', (req, res, next) => {
    const theme = themeOfDefaultThumbnail(req.params.name);
    if (!theme) return next();
    res.sendFile(path.join(ASSETS_DIR, 'thumbnails', THEME_FILES[theme]), {
      maxAge: '1d',
      headers: { 'Content-Type': 'image/png' },
    });
  });
  router.use(
    express.static(ctx.config.images.localDir, {
      index: false,
      dotfiles: 'deny',
      maxAge: '365d',
      immutable: true,
    }),
  );
  return router;
}

export const DEFAULT_THUMBNAIL_FILES = THEME_FILES;
