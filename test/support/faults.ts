import type { AppContext } from '../../src/lib/context';
import { profileImageRef } from '../../src/uploads';
import { objectPaths, type ImageKind } from '../../src/uploads/urls';
import { makeCourseRow, makeGroupRow } from './comments';
import { createFields } from './groups';
import { makeUser } from './users';

/** Polls `probe` until it yields something truthy; fails with `what` after `ms`. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  ms = 30_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The multipart fields of `POST /group` for a run on `date`. */
export const createGroupRequestFields = createFields;

/** How long `work` took, in milliseconds, with its result. */
export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await work();
  return { value, ms: Date.now() - started };
}

/** A stand-in image (original and both variants) stored through the app's storage; its key. */
export async function storedImage(ctx: Pick<AppContext, 'images'>, kind: ImageKind) {
  const [key] = await ctx.images.store(
    [
      {
        original: Buffer.from(`original ${kind}`),
        variants: { w_384: Buffer.from('w_384'), w_758: Buffer.from('w_758') },
        contentType: 'image/webp',
        width: 1,
        height: 1,
      },
    ],
    kind,
  );
  return key;
}

/**
 * A user who uploaded a profile picture, two thumbnails of a run and a photo of a course, with
 * every storage path (originals and variants) of those images, in whatever storage `ctx.images`
 * writes to.
 */
export async function userWithUploads(ctx: Pick<AppContext, 'images'>) {
  const profileKey = await storedImage(ctx, 'profile');
  const user = await makeUser({ profileUrl: profileImageRef(profileKey) });
  const [thumb1, thumb2, photo] = [
    await storedImage(ctx, 'group'),
    await storedImage(ctx, 'group'),
    await storedImage(ctx, 'course'),
  ];
  const group = await makeGroupRow(user, { thumbnailUrl1: thumb1, thumbnailUrl2: thumb2 });
  const course = await makeCourseRow(user, { courseImageUrl1: photo });
  const paths = [
    ...objectPaths('profile', profileKey),
    ...objectPaths('group', thumb1),
    ...objectPaths('group', thumb2),
    ...objectPaths('course', photo),
  ];
  return { user, group, course, paths };
}
