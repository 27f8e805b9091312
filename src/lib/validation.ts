import type { Request, RequestHandler, Response } from 'express';
import './locals';
import { validationResult, type ValidationChain } from 'express-validator';
import { badRequest } from './errors';

/**
 * Runs the chains and throws 400 with the first failed field's message (the original's
 * behaviour: one Korean message at a time, in the order the fields are declared).
 */
async function check(req: Request, chains: ValidationChain[]): Promise<void> {
  for (const chain of chains) {
    await chain.run(req);
  }
  const errors = validationResult(req).array({ onlyFirstError: true });
  if (errors.length > 0) throw badRequest(String(errors[0].msg));
  if (hasNul(req.body)) throw badRequest(NUL_MESSAGE);
}

/** The chains as one middleware (400 on the first failure). */
export function validate(chains: ValidationChain[]): RequestHandler {
  return async (req, _res, next) => {
    await check(req, chains);
    next();
  };
}

/** A route's validation and the one typed input object it produces for the controller. */
export interface Validated<T> {
  /** Runs the chains (400 on the first failure), then builds and keeps the input. */
  check: RequestHandler;
  /** The input `check` built for this request. */
  input(res: Response): T;
}

/**
 * The typed edge of a route: `build` turns the validated request (express-validator's
 * `matchedData`, the path parameters) into the one input object the controller hands to its
 * service, so no controller reads `req.body` or `req.query`.
 */
export function validated<T>(chains: ValidationChain[], build: (req: Request) => T): Validated<T> {
  return {
    check: async (req, res, next) => {
      await check(req, chains);
      res.locals.input = build(req);
      next();
    },
    input: (res) => res.locals.input as T,
  };
}

const NUL_MESSAGE = '입력값에 사용할 수 없는 문자가 있습니다.';

/**
 * A NUL character is never meaningful in this app's text, and Sequelize writes SQLite batch
 * inserts (the alarms a post's edit sends) as SQL literals, which a NUL cuts short: a title
 * holding one was stored, then broke every later alarm about its run with a 500.
 */
function hasNul(body: unknown, depth = 0): boolean {
  // No form of ours nests deeper than a few levels; a deeper body is refused the same way
  // rather than walked (and a pathological one cannot exhaust the stack).
  if (depth > 32) return true;
  if (typeof body === 'string') return body.includes('\u0000');
  if (Array.isArray(body)) return body.some((v) => hasNul(v, depth + 1));
  if (body !== null && typeof body === 'object') {
    return Object.values(body).some((v) => hasNul(v, depth + 1));
  }
  return false;
}

/**
 * A control character (`%00`-`%1F`, `%7F`) in the path or the query string is never part of a
 * valid id, list filter or page number, and the SQLite driver cuts SQL literals short at a
 * NUL (a 500). Every route refuses them here, before any handler reads `req.params` or
 * `req.query`. Only a percent escape can carry one: the HTTP parser refuses raw ones.
 */
const ENCODED_CONTROL = /%(?:[01][0-9a-f]|7f)/i;

export const CONTROL_CHARACTER_MESSAGE = '잘못된 요청 주소입니다.';

export const refuseControlCharactersInUrl: RequestHandler = (req, res, next) => {
  if (ENCODED_CONTROL.test(req.originalUrl)) {
    res.status(400).json({ success: false, message: CONTROL_CHARACTER_MESSAGE });
    return;
  }
  next();
};
