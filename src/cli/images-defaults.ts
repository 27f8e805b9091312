import fs from 'node:fs/promises';
import path from 'node:path';
import { runCli } from './run';

export const IMAGES_DEFAULTS_CLI = {
  command: 'npm run images:defaults --',
  summary:
    "Puts the six default theme thumbnails into the S3 bucket (S3_BUCKET) under the original's " +
    'names. Without S3 the app serves them itself and there is nothing to do.',
  options: {},
};

/**
 * `npm run images:defaults`: puts the six default theme thumbnails into the S3 bucket under the
 * original's names (`groupthumbnail/기본썸네일_<theme>.png`), for a new bucket. Without S3 the
 * app serves them itself and there is nothing to do.
 */
if (require.main === module) {
  runCli(
    IMAGES_DEFAULTS_CLI,
    () => undefined,
    async (config) => {
      if (!config.images.s3) {
        console.log('no S3_BUCKET configured: the app serves the default thumbnails itself');
        return;
      }
      // Loaded once the arguments are good: --help and usage errors answer at once.
      const { THEMES } = await import('../lib/codes');
      const { ASSETS_DIR } = await import('../lib/paths');
      const { createStorage } = await import('../uploads/storage');
      const { DEFAULT_THUMBNAIL_FILES } = await import('../uploads/images.router');
      const { defaultThumbnailName, ORIGINAL_PREFIX } = await import('../uploads/urls');
      const storage = createStorage(config.images);
      for (const theme of THEMES) {
        const objectPath = `${ORIGINAL_PREFIX.group}/${decodeURIComponent(defaultThumbnailName(theme))}`;
        const body = await fs.readFile(
          path.join(ASSETS_DIR, 'thumbnails', DEFAULT_THUMBNAIL_FILES[theme]),
        );
        await storage.put({ path: objectPath, body, contentType: 'image/png' });
        console.log(`uploaded ${theme}`);
      }
    },
  );
}
