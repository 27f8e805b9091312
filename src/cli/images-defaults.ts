import fs from 'node:fs/promises';
import path from 'node:path';
import { THEMES } from '../lib/codes';
import { ASSETS_DIR } from '../lib/paths';
import { createStorage } from '../uploads/storage';
import { DEFAULT_THUMBNAIL_FILES } from '../uploads/images.router';
import { defaultThumbnailName, ORIGINAL_PREFIX } from '../uploads/urls';
import { runCli } from './run';

/**
 * `npm run images:defaults`: puts the six default theme thumbnails into the S3 bucket under the
 * original's names (`groupthumbnail/기본썸네일_<theme>.png`), for a new bucket. Without S3 the
 * app serves them itself and there is nothing to do.
 */
if (require.main === module) {
  runCli(async (config) => {
    if (!config.images.s3) {
      console.log('no S3_BUCKET configured: the app serves the default thumbnails itself');
      return;
    }
    const storage = createStorage(config.images);
    for (const theme of THEMES) {
      const objectPath = `${ORIGINAL_PREFIX.group}/${decodeURIComponent(defaultThumbnailName(theme))}`;
      const body = await fs.readFile(
        path.join(ASSETS_DIR, 'thumbnails', DEFAULT_THUMBNAIL_FILES[theme]),
      );
      await storage.put({ path: objectPath, body, contentType: 'image/png' });
      console.log(`uploaded ${theme}`);
    }
  });
}
