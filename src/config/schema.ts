import {
  baseUrl,
  bool,
  custom,
  int,
  list,
  oneOf,
  optionalBool,
  optionalInt,
  optionalText,
  settingsOf,
  text,
  url,
} from './settings';
import { parsePhoneKey } from './phone-key';
import { KAKAO, NAVER, OAUTH, S3, S3_CLIENT, SENS, SMS } from './schema.services';
import { trustProxy } from './trust-proxy';

export { KAKAO, NAVER, OAUTH, S3, S3_CLIENT, SENS, SMS };

/**
 * Every setting, declared once. Sections read straight into the configuration of the same
 * name; src/config/index.ts adds what is derived from several of them.
 */

const HOUR = 3600;
const DAY = 24 * HOUR;

export const SERVER = {
  port: int('PORT', 3000, [0, 65535], 'port the API listens on'),
  webConcurrency: int(
    'WEB_CONCURRENCY',
    1,
    [1, 32],
    'API processes sharing the port (node:cluster); above 1 needs REDIS_URL',
  ),
  publicUrl: baseUrl('PUBLIC_URL', null, 'public origin of this API (links to its own files)'),
  dataDir: text('DATA_DIR', './data', 'folder of the embedded mode files (SQLite, secrets)'),
  nodeEnv: text(
    'NODE_ENV',
    'development',
    '`production` turns the development aids off (SMS codes in the log) and db:seed needs --force',
  ),
};

export const DB = {
  url: url('DB_URL', ['mysql:', 'mariadb:'], 'MySQL/MariaDB URL; unset = embedded SQLite'),
  poolMax: int('DB_POOL_MAX', 10, [2, 200], 'connections per process (MySQL)'),
  statementTimeoutMs: int(
    'DB_STATEMENT_TIMEOUT_MS',
    10_000,
    [0, 3_600_000],
    'longest statement the database runs for the app before stopping it (MySQL/MariaDB; 0 = none)',
  ),
  migrateOnStart: optionalBool(
    'DB_MIGRATE_ON_START',
    'apply migrations at start; default: embedded',
  ),
  logQueries: bool('DB_LOG_QUERIES', false, 'log every SQL statement at debug level'),
};

export const STORE = {
  redisUrl: url('REDIS_URL', ['redis:', 'rediss:'], 'Redis URL; unset = SQLite key store'),
  keyPrefix: text('KEY_PREFIX', 'erunjrun:', 'prefix of every key in the key store'),
};

export const CACHE = {
  groupLists: bool('GROUP_LIST_CACHE', true, 'keep the public group list pages for a second'),
  reads: bool(
    'READ_CACHE',
    true,
    'keep public detail pages, near-me pages, comment threads and course feeds for a second',
  ),
};

export const COURSES = {
  viewWindowSeconds: int(
    'COURSE_VIEW_WINDOW_SECONDS',
    HOUR,
    [60, 7 * DAY],
    'a viewer raises a course view count once per window (s)',
  ),
  viewFlushSeconds: int(
    'COURSE_VIEW_FLUSH_SECONDS',
    10,
    [1, HOUR],
    'views counted in the key store are written to the database this often (s)',
  ),
};

export const JWT = {
  secret: optionalText('JWT_SECRET', 'HMAC secret, 32+ characters; required with DB_URL'),
  accessTtlSeconds: int('JWT_ACCESS_TTL', HOUR, [1, 7 * DAY], 'access token lifetime (s)'),
  refreshTtlSeconds: int('JWT_REFRESH_TTL', 14 * DAY, [60, 365 * DAY], 'session lifetime (s)'),
};

export const HTTP = {
  corsOrigins: list('CORS_ORIGINS', 'http://localhost:3000', 'comma-separated SPA origins'),
  bodyLimit: text('BODY_LIMIT', '5mb', 'largest JSON/urlencoded body (413 above)'),
  trustProxy,
  shutdownTimeoutMs: int('SHUTDOWN_TIMEOUT_MS', 10000, [0, 120000], 'grace on SIGTERM (ms)'),
  // A slow client (slowloris, a stalled upload) is cut off after these. Node requires
  // headersTimeout <= requestTimeout. Behind a load balancer the keep-alive timeout should be
  // longer than the balancer's idle timeout, so the balancer closes idle sockets first.
  requestTimeoutMs: int(
    'HTTP_REQUEST_TIMEOUT_MS',
    120000,
    [1000, 600000],
    'a whole request (headers and body) must arrive within this (ms)',
  ),
  headersTimeoutMs: int(
    'HTTP_HEADERS_TIMEOUT_MS',
    20000,
    [1000, 600000],
    'request headers must arrive within this (ms)',
  ),
  keepAliveTimeoutMs: int(
    'HTTP_KEEP_ALIVE_TIMEOUT_MS',
    5000,
    [1000, 600000],
    'idle keep-alive sockets are closed after this (ms)',
  ),
};

export const CHAT = {
  legacyClients: bool(
    'CHAT_LEGACY_CLIENTS',
    false,
    'accept chat clients without a token (the published SPA), acting as the userId they claim',
  ),
  maxSocketsPerUser: int(
    'CHAT_MAX_SOCKETS_PER_USER',
    5,
    [1, 100],
    'chat connections per signed-in user over every process; a new one ends the oldest',
  ),
};

/** Per-IP limits, counted in the shared key store. The ceiling is high: tests lift them. */
function rateLimit(name: string, max: number, windowSeconds: number, what: string) {
  return {
    max: int(`RATE_LIMIT_${name}_MAX`, max, [1, 1_000_000], `${what} per IP per window`),
    windowSeconds: int(
      `RATE_LIMIT_${name}_WINDOW_SECONDS`,
      windowSeconds,
      [1, DAY],
      `window of the ${name.toLowerCase()} limit (s)`,
    ),
  };
}

export const RATE_LIMIT = {
  login: rateLimit('LOGIN', 20, 600, 'Kakao/Naver login callbacks'),
  write: rateLimit('WRITE', 120, 60, 'POST/PATCH/PUT/DELETE requests'),
  sms: rateLimit('SMS', 10, HOUR, 'verification texts (POST /user/message)'),
  // One calendar service fetches many users' feeds: generous per IP, tighter per feed.
  calendar: {
    max: int('RATE_LIMIT_ICS_MAX', 600, [1, 1e6], 'calendar feed requests per IP per window'),
    feedMax: int('RATE_LIMIT_ICS_FEED_MAX', 20, [1, 1e6], 'requests of one feed per window'),
    windowSeconds: int('RATE_LIMIT_ICS_WINDOW_SECONDS', 600, [1, DAY], 'calendar window (s)'),
  },
};

export const LOG = {
  level: oneOf(
    'LOG_LEVEL',
    ['silent', 'error', 'warn', 'info', 'http', 'debug'] as const,
    'info',
    'silent, error, warn, info, http (adds the access log) or debug',
  ),
  format: oneOf(
    'LOG_FORMAT',
    ['auto', 'json', 'pretty'] as const,
    'auto',
    'pretty (one coloured line per entry) or json; auto = pretty on a terminal, json otherwise',
  ),
};

export const IMAGES = {
  baseUrl: baseUrl('IMAGE_BASE_URL', null, 'public base of image URLs (the CDN in production)'),
  maxFileBytes: int('IMAGE_MAX_MB', 15, [1, 100], 'largest image file (MB)', 1024 * 1024),
  maxPixels: int('IMAGE_MAX_PIXELS', 40_000_000, [1_000_000, 268_402_689], 'largest image (px)'),
  threadPoolSize: {
    ...int('UV_THREADPOOL_SIZE', 4, [1, 1024], "Node's libuv pool size (read by Node at start)"),
    processEnvOnly: true,
  },
  concurrency: int(
    'IMAGE_CONCURRENCY',
    2,
    [1, 64],
    'images decoded at once per process; must leave 2 libuv pool threads free',
  ),
  queueLimit: int('IMAGE_QUEUE_LIMIT', 12, [0, 1000], 'images that may wait for a decoding slot'),
};

export const PHONE = {
  encryptionKey: custom<Buffer | null>(
    'PHONE_ENCRYPTION_KEY',
    null,
    '32-byte AES key for phone numbers, hex or base64; required with DB_URL',
    (value, r) => {
      const key = parsePhoneKey(value);
      if (!key) r.problem('PHONE_ENCRYPTION_KEY must be 32 bytes, as 64 hex characters or base64');
      return key;
    },
  ),
  legacyKey: optionalText('LEGACY_PHONE_KEY', "the original's CRYPTO_KEY (DES numbers)"),
  codeTtlSeconds: int('PHONE_CODE_TTL', 180, [30, HOUR], 'verification code lifetime (s)'),
  maxAttempts: int('PHONE_CODE_MAX_ATTEMPTS', 5, [1, 20], 'wrong tries before a code is void'),
  sendWindowSeconds: int('SMS_SEND_WINDOW', HOUR, [60, 7 * DAY], 'window of send limits (s)'),
  sendsPerUser: int('SMS_SENDS_PER_USER', 5, [1, 1000], 'codes per user per window'),
  sendsPerNumber: int(
    'SMS_SENDS_PER_NUMBER',
    5,
    [1, 1000],
    'codes one user may send to one number per window',
  ),
  usersPerNumber: int(
    'SMS_USERS_PER_NUMBER',
    3,
    [1, 1000],
    'different users who may send codes to one number per window (SMS bombing)',
  ),
};

export const METRICS = {
  enabled: bool('METRICS_ENABLED', true, 'serve GET /metrics (API and worker)'),
  token: optionalText(
    'METRICS_TOKEN',
    'bearer token GET /metrics requires (16+ characters); unset = open to whoever reaches it',
  ),
};

export const WORKER = {
  ddayHour: int('WORKER_DDAY_HOUR', 8, [0, 23], 'hour of the D-day reminder, Korea time'),
  tickMs: int('WORKER_TICK_SECONDS', 30, [1, HOUR], 'how often the worker runs (s)', 1000),
  maxLatenessMs: int(
    'WORKER_MAX_LATENESS_MINUTES',
    15,
    [1, 720],
    'later reminders and texts are skipped, not sent late (min)',
    60_000,
  ),
  batchSize: int('WORKER_BATCH_SIZE', 500, [10, 5000], 'groups, alarms or texts per batch'),
  smsMaxAttempts: int('WORKER_SMS_MAX_ATTEMPTS', 3, [1, 10], 'tries of one text in all'),
  smsBackoffMs: int(
    'WORKER_SMS_BACKOFF_SECONDS',
    30,
    [1, HOUR],
    'wait before the first retry of a text, doubled after (s)',
    1000,
  ),
  smsConcurrency: int('WORKER_SMS_CONCURRENCY', 4, [1, 50], 'texts sent at once'),
  healthPort: optionalInt('WORKER_HEALTH_PORT', [0, 65535], "port of the worker's GET /health"),
  spaUrl: baseUrl('SPA_URL', 'https://www.erunjrun.com', "the SPA's origin, for text links"),
};

/** Every declared setting (the documentation test checks .env.example and the README). */
export const ALL_SETTINGS = settingsOf(
  SERVER,
  DB,
  STORE,
  CACHE,
  COURSES,
  JWT,
  HTTP,
  CHAT,
  RATE_LIMIT,
  LOG,
  IMAGES,
  S3,
  S3_CLIENT,
  KAKAO,
  NAVER,
  OAUTH,
  SENS,
  SMS,
  PHONE,
  METRICS,
  WORKER,
);
