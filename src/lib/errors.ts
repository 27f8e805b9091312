/**
 * The one error type services throw. The error middleware turns it into
 * `{ success: false, message }` with `status` as the HTTP status.
 */
export class AppError extends Error {
  constructor(
    public readonly status: number,
    message: string,
    /** Extra body fields (the refresh answer carries `token`, for example). */
    public readonly body?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (message: string) => new AppError(400, message);
export const unauthorized = (message: string) => new AppError(401, message);
export const forbidden = (message: string) => new AppError(403, message);
export const notFound = (message: string) => new AppError(404, message);
export const conflict = (message: string) => new AppError(409, message);

/** A dependency (database, key store) is down: the request may succeed later. */
export class UnavailableError extends AppError {
  constructor(message = '일시적으로 서비스를 이용할 수 없습니다. 잠시 후 다시 시도해주세요.') {
    super(503, message);
    this.name = 'UnavailableError';
  }
}
