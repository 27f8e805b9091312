import { validated } from '../lib/validation';
import { hashOf, SECRET_PATTERN } from './secrets';

/** A feed request's input: the presented secret hashed once, for the limiter and the lookup. */
export interface FeedInput {
  /** SHA-256 of the secret before `.ics` (the feed's lookup key), null when it is not one. */
  secretHash: string | null;
  /**
   * The per-feed rate limit's key: that hash, or a hash of any other address apart from them.
   * A hash, so the key store never holds a secret.
   */
  limitKey: string;
}

/**
 * `GET /calendar/:file`: the secret before `.ics`, hashed. Nothing is refused here: a malformed
 * address answers the same 404 as an unknown one (calendar.service), counted by its own key.
 */
export const feedInput = validated([], (req): FeedInput => {
  const file = String(req.params.file);
  const secret = /^(.+)\.ics$/.exec(file)?.[1];
  if (secret === undefined || !SECRET_PATTERN.test(secret)) {
    return { secretHash: null, limitKey: `malformed:${hashOf(file)}` };
  }
  const secretHash = hashOf(secret);
  return { secretHash, limitKey: secretHash };
});
