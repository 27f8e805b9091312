import { validated } from '../lib/validation';

/**
 * `GET /calendar/:file`: the secret before `.ics`, or null for anything else. Nothing is refused
 * here: a malformed address answers the same 404 as an unknown one (calendar.service).
 */
export const feedInput = validated([], (req) => {
  const match = /^(.+)\.ics$/.exec(String(req.params.file));
  return { secret: match ? match[1] : null };
});
