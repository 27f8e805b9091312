import crypto from 'node:crypto';

/**
 * A response body prepared once for many requests (a cached document): its bytes and its ETag,
 * so that a request answered from a cache neither encodes the text again nor hashes it again.
 * Send it with {@link PreparedBody.etag} in the `ETag` header: Express then keeps that tag,
 * and a request whose `If-None-Match` holds it is answered 304 as with the tag Express writes.
 */
export interface PreparedBody {
  bytes: Buffer;
  etag: string;
}

/**
 * `text` as UTF-8 bytes with a weak ETag in Express's own form (`W/"<length in hex>-<SHA-1,
 * base64, 27 characters>"`), so a tag a client kept from before stays valid.
 */
export function prepareBody(text: string): PreparedBody {
  const bytes = Buffer.from(text, 'utf8');
  const hash = crypto.createHash('sha1').update(bytes).digest('base64').slice(0, 27);
  return { bytes, etag: `W/"${bytes.length.toString(16)}-${hash}"` };
}
