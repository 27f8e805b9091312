import crypto from 'node:crypto';

/**
 * The secret of a feed URL is HMAC-SHA256 of a 256-bit random seed under a key of the server's
 * (derived from the JWT secret, for this use only), written in base64url: 43 characters. The
 * database keeps the seed and the secret's SHA-256, so `GET /user/calendar` can show the same
 * URL again, a feed request is found by hashing what it presents, and a copy of the database
 * without the server's key opens no feed. A new JWT secret changes every derived secret: the
 * next `GET /user/calendar` notices (the hash no longer matches) and issues a new URL.
 */
const SEED_BYTES = 32;
const KEY_INFO = 'erunjrun calendar feed v1';

/** What a secret looks like; anything else is refused before the database is asked. */
export const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export const newSeed = (): string => crypto.randomBytes(SEED_BYTES).toString('hex');

const keys = new Map<string, Buffer>();

/** The feed key, derived once per signing secret (HKDF-SHA256). */
function feedKey(serverSecret: string): Buffer {
  let key = keys.get(serverSecret);
  if (!key) {
    key = Buffer.from(crypto.hkdfSync('sha256', serverSecret, '', KEY_INFO, 32));
    keys.set(serverSecret, key);
  }
  return key;
}

export function secretOf(serverSecret: string, seed: string): string {
  return crypto.createHmac('sha256', feedKey(serverSecret)).update(seed).digest('base64url');
}

/** SHA-256 of a presented secret (hex): the feed's lookup key. */
export const hashOf = (secret: string): string =>
  crypto.createHash('sha256').update(secret).digest('hex');
