/**
 * Avatars of ours stored without a host. `Users.profileUrl` (and each chat message's copy of it,
 * `Chats.profileUrl`) held full URLs built from the PUBLIC_URL of the process that wrote them: a
 * seed run on another port, or a server moved to another address, left every default avatar and
 * locally stored picture pointing at a host that no longer answers. The application now stores
 * `/assets/default-profile.png` and `w_384/<key>` and builds the URL when it answers, from its
 * own settings (src/uploads/urls.ts, `avatarUrl`).
 *
 * Rewritten here, whatever the host: `http(s)://<host>/assets/default-profile.png` (the default
 * avatar) and `http(s)://<host>/images/<folder>/<key>` (a picture stored in the local image
 * folder, served under `/images`). Anything else stays as stored: Kakao/Naver avatars, pictures
 * on S3 or a CDN (their IMAGE_BASE_URL does not move with the server). Safe to run again.
 */
import type { Sequelize } from 'sequelize';
import type { MigrationContext } from '../src/db/migrator';
import { hasTable, q, select } from './support/catalogue';

const DEFAULT_AVATAR = /^https?:\/\/[^/?#]+(\/assets\/default-profile\.png)$/;
const LOCAL_IMAGE =
  /^https?:\/\/[^/?#]+\/images\/((?:w_384|w_758|profile)\/[A-Za-z0-9._-]{1,200})$/;
const BATCH = 500;

/** The host-free value of a stored URL of ours, or null when it is not one. */
export function hostFreeAvatar(url: string): string | null {
  const match = DEFAULT_AVATAR.exec(url) ?? LOCAL_IMAGE.exec(url);
  return match ? match[1] : null;
}

async function rewrite(sequelize: Sequelize, table: string, key: string): Promise<void> {
  if (!(await hasTable(sequelize, table))) return;
  const rows = await select<{ id: string | number; profileUrl: string }>(
    sequelize,
    `SELECT ${q(key)} AS ${q('id')}, ${q('profileUrl')} FROM ${q(table)} ` +
      `WHERE ${q('profileUrl')} LIKE ? OR ${q('profileUrl')} LIKE ?`,
    ['http%/assets/default-profile.png', 'http%/images/%'],
  );
  const byValue = new Map<string, Array<string | number>>();
  for (const row of rows) {
    const value = hostFreeAvatar(row.profileUrl);
    if (value === null) continue;
    byValue.set(value, [...(byValue.get(value) ?? []), row.id]);
  }
  for (const [value, ids] of byValue) {
    for (let i = 0; i < ids.length; i += BATCH) {
      const batch = ids.slice(i, i + BATCH);
      await sequelize.query(
        `UPDATE ${q(table)} SET ${q('profileUrl')} = ? ` +
          `WHERE ${q(key)} IN (${batch.map(() => '?').join(', ')})`,
        { replacements: [value, ...batch] },
      );
    }
  }
}

export async function up({ sequelize }: MigrationContext): Promise<void> {
  await rewrite(sequelize, 'Users', 'userId');
  await rewrite(sequelize, 'Chats', 'chatId');
}

/** Not undone: the host each URL had is not kept (and the server's own is the right one). */
export async function down(): Promise<void> {}
