import type { Config } from '../config';
import type { Logger } from '../lib/logger';
import { ImageService } from './images.service';
import { createStorage } from './storage';

export { ImageService, planImageSlots, MAX_IMAGES_PER_POST } from './images.service';
export { uploadImages, uploadedImages } from './upload.middleware';
export { UPLOAD_MESSAGES, type PreparedImage } from './processing';
export {
  listImageUrl,
  detailImageUrl,
  profileImageRef,
  avatarUrl,
  DEFAULT_PROFILE_REF,
  defaultGroupThumbnailUrl,
  keyFromImageUrl,
  type ImageKind,
} from './urls';

export function createImageService(config: Config, logger: Logger): ImageService {
  return new ImageService(createStorage(config.images), config, logger);
}
