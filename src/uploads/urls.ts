import type { Config } from '../config';
import { THEMES, type Theme } from '../lib/codes';

/**
 * Every image URL the API returns is built here, from IMAGE_BASE_URL (the CDN in production),
 * with the original's layout:
 *   <base>/groupthumbnail/<key>   group original      <base>/w_384/<key>   list-card variant
 *   <base>/courseImage/<key>      course original     <base>/w_758/<key>   detail-slide variant
 *   <base>/profile/<key>          profile original
 * Groups and courses store the bare key. Users.profileUrl (and a chat message's copy of it) stores
 * either a full URL of someone else's (a Kakao/Naver avatar, an original bucket URL) or one of ours
 * without a host, resolved when answering ({@link avatarUrl}): `w_384/<key>` under IMAGE_BASE_URL,
 * `/assets/<file>` under PUBLIC_URL. So the URLs follow the server's configuration, whatever
 * port or address the process that stored them ran with.
 */
export type ImageKind = 'group' | 'course' | 'profile';
export type Variant = 'w_384' | 'w_758';

export const VARIANTS: ReadonlyArray<{ name: Variant; width: number }> = [
  { name: 'w_384', width: 384 },
  { name: 'w_758', width: 758 },
];

export const ORIGINAL_PREFIX: Record<ImageKind, string> = {
  group: 'groupthumbnail',
  course: 'courseImage',
  profile: 'profile',
};

type ImageConfig = Pick<Config, 'images'>;

/** The storage paths (object keys) of one image: original first, then its variants. */
export function objectPaths(kind: ImageKind, key: string): string[] {
  return [`${ORIGINAL_PREFIX[kind]}/${key}`, ...VARIANTS.map((v) => `${v.name}/${key}`)];
}

/** List cards (384 px wide). */
export function listImageUrl(config: ImageConfig, key: string | null): string | null {
  return key ? `${config.images.baseUrl}/w_384/${key}` : null;
}

/** Detail slides (758 px wide). */
export function detailImageUrl(config: ImageConfig, key: string | null): string | null {
  return key ? `${config.images.baseUrl}/w_758/${key}` : null;
}

/** What Users.profileUrl stores for an uploaded avatar (host-free: see {@link avatarUrl}). */
export function profileImageRef(key: string): string {
  return `w_384/${key}`;
}

/** What Users.profileUrl stores for the app's default avatar (served from its own assets). */
export const DEFAULT_PROFILE_REF = '/assets/default-profile.png';

const ABSOLUTE_URL = /^[a-z][a-z0-9+.-]*:/i;

/** True for a stored avatar of ours without a host (an uploaded picture or one of our assets). */
export function isHostFreeRef(stored: string): boolean {
  return stored !== '' && !ABSOLUTE_URL.test(stored);
}

/**
 * The URL of a stored avatar as the API answers it: ours follow PUBLIC_URL (assets) and
 * IMAGE_BASE_URL (uploads); anyone else's full URL is returned as stored.
 */
export function avatarUrl(config: Pick<Config, 'images' | 'publicUrl'>, stored: string): string {
  if (!isHostFreeRef(stored)) return stored;
  return stored.startsWith('/')
    ? `${config.publicUrl}${stored}`
    : `${config.images.baseUrl}/${stored}`;
}

/**
 * Default group thumbnails, one per theme: the files of the original bucket. Their names are
 * `기본썸네일_<theme>.png`, partly decomposed (NFD) the way the uploading Mac wrote them, so the
 * exact encoded names are listed rather than computed.
 */
const PREFIX_GI = '%E1%84%80%E1%85%B5';
const PREFIX_GIBON = `${PREFIX_GI}%E1%84%87%E1%85%A9%E1%86%AB`;
const THUMB = '%EC%8D%B8%EB%84%A4%EC%9D%BC_';
const DEFAULT_THUMBNAIL_NAMES: Record<Theme, string> = {
  산: `${PREFIX_GI}%EB%B3%B8${THUMB}%E1%84%89%E1%85%A1%E1%86%AB.png`,
  도시: `${PREFIX_GIBON}${THUMB}%E1%84%83%E1%85%A9%E1%84%89%E1%85%B5.png`,
  강변: `${PREFIX_GIBON}${THUMB}%E1%84%80%E1%85%A1%E1%86%BC%E1%84%87%E1%85%A7%E1%86%AB.png`,
  해변: `${PREFIX_GIBON}${THUMB}%E1%84%92%E1%85%A2%E1%84%87%E1%85%A7%E1%86%AB.png`,
  공원: `${PREFIX_GIBON}${THUMB}%E1%84%80%E1%85%A9%E1%86%BC%E1%84%8B%E1%85%AF%E1%86%AB.png`,
  트랙: `${PREFIX_GIBON}${THUMB}%E1%84%90%E1%85%B3%E1%84%85%E1%85%A2%E1%86%A8.png`,
};

export function defaultThumbnailName(theme: Theme): string {
  return DEFAULT_THUMBNAIL_NAMES[theme];
}

export function defaultGroupThumbnailUrl(config: ImageConfig, theme: string): string | null {
  if (!(THEMES as readonly string[]).includes(theme)) return null;
  return `${config.images.baseUrl}/${ORIGINAL_PREFIX.group}/${defaultThumbnailName(theme as Theme)}`;
}

/** The theme of a default-thumbnail file name (as it appears in a URL path), if it is one. */
export function themeOfDefaultThumbnail(name: string): Theme | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(name).normalize('NFC');
  } catch {
    return null;
  }
  const match = /^기본썸네일_(.+)\.png$/.exec(decoded);
  return match && (THEMES as readonly string[]).includes(match[1]) ? (match[1] as Theme) : null;
}

const KEY_RE = /^[A-Za-z0-9._-]{1,200}$/;

/**
 * The stored key behind a URL the API handed out (any variant or original of ours), or a bare
 * key as the original's clients sometimes sent. Null for anything else: foreign URLs, default
 * thumbnails, path tricks.
 */
export function keyFromImageUrl(config: ImageConfig, value: string): string | null {
  const trimmed = value.trim();
  let rest: string | null = null;
  const base = `${config.images.baseUrl}/`;
  if (trimmed.startsWith(base)) rest = trimmed.slice(base.length);
  else if (!/^[a-z]+:\/\//i.test(trimmed)) rest = trimmed;
  if (rest === null) return null;
  const parts = rest.split('/');
  const key = parts.length === 1 ? parts[0] : parts.length === 2 ? parts[1] : null;
  if (parts.length === 2) {
    const known = [...VARIANTS.map((v) => v.name), ...Object.values(ORIGINAL_PREFIX)];
    if (!known.includes(parts[0])) return null;
  }
  if (key === null || !KEY_RE.test(key) || key.startsWith('.')) return null;
  if (themeOfDefaultThumbnail(key)) return null;
  return key;
}
