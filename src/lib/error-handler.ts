import './locals';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import {
  BaseError,
  ConnectionError,
  DatabaseError,
  UniqueConstraintError,
  ForeignKeyConstraintError,
} from 'sequelize';
import { AppError } from './errors';
import type { Logger } from './logger';

export const MESSAGES = {
  notFound: '요청하신 주소를 찾을 수 없습니다.',
  badJson: '요청 본문이 올바른 JSON 형식이 아닙니다.',
  tooLarge: '요청 본문이 허용된 크기를 넘었습니다.',
  badBody: '요청 본문을 읽을 수 없습니다.',
  conflict: '이미 처리된 요청입니다.',
  missingReference: '참조하는 데이터가 존재하지 않습니다.',
  unavailable: '일시적으로 서비스를 이용할 수 없습니다. 잠시 후 다시 시도해주세요.',
  internal: '서버에 오류가 발생했습니다. 잠시 후 다시 시도해주세요.',
} as const;

/** Names the message a route's unexpected failures answer with (see `errorHandler`). */
export const failureMessage =
  (message: string): RequestHandler =>
  (_req, res, next) => {
    res.locals.failureMessage = message;
    next();
  };

export const notFoundHandler: RequestHandler = (_req, res) => {
  res.status(404).json({ success: false, message: MESSAGES.notFound });
};

interface HttpLikeError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
}

/**
 * What went wrong, for whoever tells the client (the HTTP error middleware, the chat gateway):
 * `refused` is the client's or the rules' doing (told as is), `unavailable` a database that is
 * down or slow, `unexpected` a bug (logged, never told).
 */
export type FailureKind = 'refused' | 'unavailable' | 'unexpected';

export interface Failure {
  kind: FailureKind;
  status: number;
  /** The HTTP body: `{success:false, message}` or an AppError's own body. */
  body: Record<string, unknown>;
  /** The client-safe message. */
  message: string;
  /** Whether the HTTP error middleware logs it (unexpected, unavailable, or a 5xx AppError). */
  log: boolean;
}

const failure = (kind: FailureKind, status: number, message: string): Failure => ({
  kind,
  status,
  body: { success: false, message },
  message,
  log: kind !== 'refused',
});

/**
 * A statement the database stopped at the connection's limit (DB_STATEMENT_TIMEOUT_MS):
 * MariaDB's ER_STATEMENT_TIMEOUT, MySQL's ER_QUERY_TIMEOUT. The database is too slow: 503.
 */
const STATEMENT_TIMEOUTS = new Set<number | undefined>([1969, 3024]);
const errnoOf = (err: DatabaseError) => (err.parent as { errno?: number } | undefined)?.errno;

/** Maps a thrown value to a status and a client-safe message; never leaks stacks or SQL. */
export function describeError(err: unknown): Failure {
  if (err instanceof AppError) {
    return {
      kind: 'refused',
      status: err.status,
      body: err.body ?? { success: false, message: err.message },
      message: err.message,
      log: err.status >= 500,
    };
  }
  if (err instanceof UniqueConstraintError) return failure('refused', 409, MESSAGES.conflict);
  if (err instanceof ForeignKeyConstraintError) {
    return failure('refused', 409, MESSAGES.missingReference);
  }
  if (
    err instanceof ConnectionError ||
    (err instanceof BaseError && /Timeout|Connection/.test(err.name)) ||
    (err instanceof DatabaseError && STATEMENT_TIMEOUTS.has(errnoOf(err)))
  ) {
    return failure('unavailable', 503, MESSAGES.unavailable);
  }
  const httpErr = err as HttpLikeError;
  const status = httpErr?.status ?? httpErr?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // body-parser and friends (expose = true means the message is meant for clients, but it is English).
    const message =
      httpErr.type === 'entity.parse.failed'
        ? MESSAGES.badJson
        : httpErr.type === 'entity.too.large'
          ? MESSAGES.tooLarge
          : MESSAGES.badBody;
    return failure('refused', status, message);
  }
  return failure('unexpected', 500, MESSAGES.internal);
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const { status, body: described, log } = describeError(err);
    // A route may name the message its unexpected failures answer with (the original's own
    // per-endpoint text, which the SPA shows); nothing else about the error is exposed.
    const failure = res.locals.failureMessage;
    const body =
      status === 500 && failure !== undefined ? { success: false, message: failure } : described;
    if (log) {
      logger.error('request failed', {
        requestId: res.locals.requestId,
        method: req.method,
        path: req.path,
        status,
        error: err instanceof Error ? err.message : String(err),
        stack: err instanceof Error ? err.stack : undefined,
      });
    }
    if (status === 503) res.setHeader('Retry-After', '5');
    res.status(status).json(body);
  };
}
