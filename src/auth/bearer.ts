import { unauthorized } from '../lib/errors';
import { AUTH } from './messages';

/** What a bad header is answered with; the two headers (access, refresh) differ. */
export interface BearerMessages {
  malformed: string;
  notBearer: string;
}

const ACCESS: BearerMessages = { malformed: AUTH.headerMalformed, notBearer: AUTH.notBearer };

/**
 * The token of a `Bearer <token>` header, for HTTP requests and chat handshakes alike: 401 when
 * it is not two words or the first is not `Bearer`.
 */
export function bearerToken(header: string, messages: BearerMessages = ACCESS): string {
  const parts = header.split(' ');
  if (parts.length !== 2) throw unauthorized(messages.malformed);
  if (parts[0] !== 'Bearer') throw unauthorized(messages.notBearer);
  return parts[1];
}
