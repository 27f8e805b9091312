import path from 'node:path';
import crypto from 'node:crypto';
import net from 'node:net';
import dotenv from 'dotenv';
import { readOrCreateSecret } from './lib/private-files';

/**
 * The only reader of process.env. Every setting is parsed and checked once, and all
 * problems are reported together so an operator can fix a bad deployment in one go.
 */

export type LogFormat = 'json' | 'pretty';
export type LogLevel = 'silent' | 'error' | 'warn' | 'info' | 'http' | 'debug';

export interface Config {
  port: number;
  /** Where clients reach this API (used for links to its own files, like the default avatar). */
  publicUrl: string;
  dataDir: string;
  /** true when no DB_URL is set: SQLite + local key store + local files. */
  embedded: boolean;
  db: {
    url: string | null;
    sqliteFile: string;
    poolMax: number;
    migrateOnStart: boolean;
    logQueries: boolean;
  };
  store: {
    redisUrl: string | null;
    sqliteFile: string;
    keyPrefix: string;
  };
  /** In-process caches that stay correct after writes (see src/groups/list-cache.ts). */
  cache: {
    groupLists: boolean;
  };
  courses: {
    /** A viewer (user, or a guest's IP) raises a course's view count once per window. */
    viewWindowSeconds: number;
  };
  jwt: {
    secret: string;
    accessTtlSeconds: number;
    refreshTtlSeconds: number;
  };
  http: {
    corsOrigins: string[];
    bodyLimit: string;
    /**
     * Express's `trust proxy`: false (clients connect directly), the number of proxies in
     * front, or the proxies' addresses and subnets. Never `true`.
     */
    trustProxy: false | number | string[];
    shutdownTimeoutMs: number;
    /** Whole request (headers + body) must arrive within this; a slow client is cut off. */
    requestTimeoutMs: number;
    headersTimeoutMs: number;
    /** Idle keep-alive sockets are closed after this. */
    keepAliveTimeoutMs: number;
  };
  chat: {
    /**
     * Accept clients that connect without a token (the published SPA) and act as the userId
     * each of their events claims; membership is still checked. Off by default.
     */
    legacyClients: boolean;
    /** Token-authenticated connections per user, over every process; the oldest go first. */
    maxSocketsPerUser: number;
  };
  /** Per-IP request limits (express-rate-limit), counted in the shared key store. */
  rateLimit: {
    /** Kakao/Naver login callbacks. */
    login: RateLimitRule;
    /** Every POST/PATCH/PUT/DELETE. */
    write: RateLimitRule;
    /** Verification texts (`POST /user/message`), on top of the per-user/per-number limits. */
    sms: RateLimitRule;
  };
  log: {
    level: LogLevel;
    format: LogFormat;
  };
  images: {
    /** Public base of every image URL (the CDN in production). */
    baseUrl: string;
    /** Local folder used when no S3 bucket is configured. */
    localDir: string;
    s3: {
      bucket: string;
      region: string;
      endpoint: string | null;
      forcePathStyle: boolean;
      accessKeyId: string | null;
      secretAccessKey: string | null;
      /** Bound on connecting and on each request to S3, so a hung endpoint cannot hold a post. */
      timeoutMs?: number;
    } | null;
    maxFileBytes: number;
    maxPixels: number;
    /** Images decoded and resized at once in this process (each holds one libuv pool thread). */
    concurrency: number;
    /** Images that may wait for a decoding slot; more are refused with 503 and Retry-After. */
    queueLimit: number;
  };
  /** Kakao/Naver login; a provider is null until its keys are set. */
  oauth: {
    timeoutMs: number;
    kakao: { clientId: string; clientSecret: string | null; redirectUri: string } | null;
    naver: { clientId: string; clientSecret: string; redirectUri: string; state: string } | null;
  };
  /** Naver Cloud SENS; null = the log-only sender. */
  sms: {
    sens: {
      baseUrl: string;
      serviceId: string;
      accessKey: string;
      secretKey: string;
      from: string;
    } | null;
    timeoutMs: number;
  };
  phone: {
    /** AES-256-GCM key (32 bytes) for phone numbers at rest. */
    encryptionKey: Buffer;
    /** The original's CRYPTO_KEY, to read its DES-encrypted numbers. */
    legacyKey: string | null;
    codeTtlSeconds: number;
    maxAttempts: number;
    sendWindowSeconds: number;
    sendsPerUser: number;
    /** Codes one user may have sent to one number within the window. */
    sendsPerNumber: number;
    /** Different users who may have codes sent to one number within the window (SMS bombing). */
    usersPerNumber: number;
  };
  /** The notification worker (`npm run worker`). */
  worker: {
    /** Korea-time hour of the D-day reminder (0-23). */
    ddayHour: number;
    tickMs: number;
    /** A reminder (or its text) later than this is skipped, not delivered late. */
    maxLatenessMs: number;
    /** Groups per read, alarm rows per insert, texts per round of the sender. */
    batchSize: number;
    /** Tries of one text in all, the first included. */
    smsMaxAttempts: number;
    /** Wait before the first retry; doubled for each one after. */
    smsBackoffMs: number;
    smsConcurrency: number;
    /** Port of the worker's `GET /health`; null = none. */
    healthPort: number | null;
    /** The SPA's origin, for the links in texts. */
    spaUrl: string;
  };
}

export interface RateLimitRule {
  max: number;
  windowSeconds: number;
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

class Reader {
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  raw(key: string): string | undefined {
    const value = this.env[key];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  string(key: string, fallback: string): string {
    return this.raw(key) ?? fallback;
  }

  int(key: string, fallback: number, min: number, max: number): number {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      this.problems.push(`${key} must be a whole number from ${min} to ${max} (got "${value}")`);
      return fallback;
    }
    return n;
  }

  bool(key: string, fallback: boolean): boolean {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    if (/^(true|1|yes)$/i.test(value)) return true;
    if (/^(false|0|no)$/i.test(value)) return false;
    this.problems.push(`${key} must be true or false (got "${value}")`);
    return fallback;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      this.problems.push(`${key} must be one of ${allowed.join(', ')} (got "${value}")`);
      return fallback;
    }
    return value as T;
  }

  url(key: string, protocols: string[]): string | null {
    const value = this.raw(key);
    if (value === undefined) return null;
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol)) {
        this.problems.push(`${key} must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
      }
    } catch {
      this.problems.push(`${key} is not a valid URL`);
    }
    return value;
  }
}

const MIN_SECRET_LENGTH = 32;

function readImages(r: Reader, dataDir: string, publicUrl: string): Config['images'] {
  const bucket = r.raw('S3_BUCKET');
  const region = r.string('S3_REGION', 'ap-northeast-2');
  const endpoint = r.url('S3_ENDPOINT', ['http:', 'https:']);
  const accessKeyId = r.raw('S3_ACCESS_KEY_ID') ?? null;
  const secretAccessKey = r.raw('S3_SECRET_ACCESS_KEY') ?? null;
  if ((accessKeyId === null) !== (secretAccessKey === null)) {
    r.problems.push('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together');
  }
  const s3 = bucket
    ? {
        bucket,
        region,
        endpoint,
        forcePathStyle: r.bool('S3_FORCE_PATH_STYLE', endpoint !== null),
        accessKeyId,
        secretAccessKey,
        timeoutMs: r.int('S3_TIMEOUT_MS', 10_000, 100, 120_000),
      }
    : null;
  const defaultBase = s3
    ? endpoint
      ? `${endpoint.replace(/\/+$/, '')}/${bucket}`
      : `https://${bucket}.s3.${region}.amazonaws.com`
    : `${publicUrl}/images`;
  return {
    baseUrl: (r.url('IMAGE_BASE_URL', ['http:', 'https:']) ?? defaultBase).replace(/\/+$/, ''),
    localDir: path.join(dataDir, 'images'),
    s3,
    maxFileBytes: r.int('IMAGE_MAX_MB', 15, 1, 100) * 1024 * 1024,
    maxPixels: r.int('IMAGE_MAX_PIXELS', 40_000_000, 1_000_000, 268_402_689),
    concurrency: imageConcurrency(r),
    queueLimit: r.int('IMAGE_QUEUE_LIMIT', 12, 0, 1000),
  };
}

/** libuv's pool threads that image work must leave to the database driver, files and crypto. */
const POOL_THREADS_KEPT_FREE = 2;

/**
 * Each image being prepared holds one thread of libuv's pool, which the SQLite driver, file
 * writes and crypto share (4 threads unless UV_THREADPOOL_SIZE says otherwise, read by Node at
 * start): images may never take the threads those need.
 */
function imageConcurrency(r: Reader): number {
  const poolSize = r.int('UV_THREADPOOL_SIZE', 4, 1, 1024);
  const concurrency = r.int('IMAGE_CONCURRENCY', 2, 1, 64);
  if (concurrency > poolSize - POOL_THREADS_KEPT_FREE) {
    r.problems.push(
      `IMAGE_CONCURRENCY (${concurrency}) must leave ${POOL_THREADS_KEPT_FREE} of libuv's ` +
        `${poolSize} pool threads free: lower it or raise UV_THREADPOOL_SIZE`,
    );
  }
  return concurrency;
}

/** A provider's settings are all-or-nothing: half a configuration is a mistake, not "off". */
function together(r: Reader, keys: string[]): boolean {
  const set = keys.filter((k) => r.raw(k) !== undefined);
  if (set.length > 0 && set.length < keys.length) {
    r.problems.push(
      `${keys.join(', ')} must be set together (missing ${keys.filter((k) => !set.includes(k)).join(', ')})`,
    );
  }
  return set.length === keys.length;
}

function readOAuth(r: Reader): Config['oauth'] {
  const kakaoUri = r.url('KAKAO_REDIRECT_URI', ['http:', 'https:']);
  const naverUri = r.url('NAVER_REDIRECT_URI', ['http:', 'https:']);
  const kakao = together(r, ['KAKAO_CLIENT_ID', 'KAKAO_REDIRECT_URI']);
  const naver = together(r, ['NAVER_CLIENT_ID', 'NAVER_CLIENT_SECRET', 'NAVER_REDIRECT_URI']);
  return {
    timeoutMs: r.int('OAUTH_TIMEOUT_MS', 5000, 100, 60000),
    kakao:
      kakao && kakaoUri
        ? {
            clientId: r.string('KAKAO_CLIENT_ID', ''),
            clientSecret: r.raw('KAKAO_CLIENT_SECRET') ?? null,
            redirectUri: kakaoUri,
          }
        : null,
    naver:
      naver && naverUri
        ? {
            clientId: r.string('NAVER_CLIENT_ID', ''),
            clientSecret: r.string('NAVER_CLIENT_SECRET', ''),
            redirectUri: naverUri,
            state: r.string('NAVER_STATE', 'erunjrun'),
          }
        : null,
  };
}

function readSms(r: Reader): Config['sms'] {
  const baseUrl = r.url('SENS_BASE_URL', ['http:', 'https:']) ?? 'https://sens.apigw.ntruss.com';
  const from = r.raw('SENS_FROM');
  if (from !== undefined && !/^\d{8,12}$/.test(from)) {
    r.problems.push('SENS_FROM must be the registered sender number, digits only');
  }
  const configured = together(r, [
    'SENS_SERVICE_ID',
    'SENS_ACCESS_KEY',
    'SENS_SECRET_KEY',
    'SENS_FROM',
  ]);
  return {
    sens: configured
      ? {
          baseUrl: baseUrl.replace(/\/+$/, ''),
          serviceId: r.string('SENS_SERVICE_ID', ''),
          accessKey: r.string('SENS_ACCESS_KEY', ''),
          secretKey: r.string('SENS_SECRET_KEY', ''),
          from: from ?? '',
        }
      : null,
    timeoutMs: r.int('SMS_TIMEOUT_MS', 5000, 100, 60000),
  };
}

/** Express's names for address ranges (loopback, 169.254/16 and fe80::/10, private ranges). */
const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];
const MAX_PROXY_HOPS = 10;

/** An IP address, or a subnet as `address/prefix-length`. */
function isAddressOrSubnet(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const version = net.isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

/**
 * Which connecting addresses are proxies whose `X-Forwarded-For` is believed. `true` (every
 * one) is refused: any client could then name its own address in the header and escape every
 * per-IP limit.
 */
function readTrustProxy(r: Reader): Config['http']['trustProxy'] {
  const value = r.raw('TRUST_PROXY');
  if (value === undefined || /^false$/i.test(value)) return false;
  if (/^true$/i.test(value)) {
    r.problems.push(
      'TRUST_PROXY=true would believe any X-Forwarded-For, so clients could choose their own ' +
        'address and escape every per-IP limit: set the number of proxies in front of the app ' +
        '(e.g. 1), or their addresses or subnets (e.g. loopback or 10.0.0.0/8)',
    );
    return false;
  }
  if (/^\d+$/.test(value)) return r.int('TRUST_PROXY', 0, 0, MAX_PROXY_HOPS);
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const invalid = entries.filter(
    (entry) => !PROXY_RANGE_NAMES.includes(entry) && !isAddressOrSubnet(entry),
  );
  if (invalid.length > 0) {
    r.problems.push(
      `TRUST_PROXY must be false, a number of proxies from 0 to ${MAX_PROXY_HOPS}, or a ` +
        `comma-separated list of addresses, subnets (10.0.0.0/8) and ${PROXY_RANGE_NAMES.join(', ')} ` +
        `(got "${invalid.join('", "')}")`,
    );
    return false;
  }
  return entries;
}

const PHONE_KEY_BYTES = 32;

/** 64 hex characters or base64/base64url of 32 bytes; null when it is neither. */
export function parsePhoneKey(value: string): Buffer | null {
  const key = /^[0-9a-f]{64}$/i.test(value)
    ? Buffer.from(value, 'hex')
    : /^[A-Za-z0-9+/_-]+={0,2}$/.test(value)
      ? Buffer.from(value, 'base64')
      : null;
  return key && key.length === PHONE_KEY_BYTES ? key : null;
}

function readPhone(r: Reader, embedded: boolean): Config['phone'] {
  const raw = r.raw('PHONE_ENCRYPTION_KEY');
  let encryptionKey: Buffer = Buffer.alloc(0);
  if (raw !== undefined) {
    const parsed = parsePhoneKey(raw);
    if (parsed) encryptionKey = parsed;
    else r.problems.push('PHONE_ENCRYPTION_KEY must be 32 bytes, as 64 hex characters or base64');
  } else if (!embedded) {
    r.problems.push('PHONE_ENCRYPTION_KEY is required when DB_URL is set');
  }
  return {
    encryptionKey,
    legacyKey: r.raw('LEGACY_PHONE_KEY') ?? null,
    codeTtlSeconds: r.int('PHONE_CODE_TTL', 180, 30, 3600),
    maxAttempts: r.int('PHONE_CODE_MAX_ATTEMPTS', 5, 1, 20),
    sendWindowSeconds: r.int('SMS_SEND_WINDOW', 3600, 60, 7 * 24 * 3600),
    sendsPerUser: r.int('SMS_SENDS_PER_USER', 5, 1, 1000),
    sendsPerNumber: r.int('SMS_SENDS_PER_NUMBER', 5, 1, 1000),
    usersPerNumber: r.int('SMS_USERS_PER_NUMBER', 3, 1, 1000),
  };
}

function readRateLimits(r: Reader): Config['rateLimit'] {
  // The ceiling is high on purpose: the test environment lifts the limits out of the way.
  const rule = (name: string, max: number, windowSeconds: number): RateLimitRule => ({
    max: r.int(`RATE_LIMIT_${name}_MAX`, max, 1, 1_000_000),
    windowSeconds: r.int(`RATE_LIMIT_${name}_WINDOW_SECONDS`, windowSeconds, 1, 24 * 3600),
  });
  return {
    login: rule('LOGIN', 20, 600),
    write: rule('WRITE', 120, 60),
    sms: rule('SMS', 10, 3600),
  };
}

function readWorker(r: Reader): Config['worker'] {
  const tickMs = r.int('WORKER_TICK_SECONDS', 30, 1, 3600) * 1000;
  const maxLatenessMs = r.int('WORKER_MAX_LATENESS_MINUTES', 15, 1, 720) * 60_000;
  if (maxLatenessMs < 2 * tickMs) {
    // Otherwise a normal tick's window would already be cut short and reminders lost.
    r.problems.push('WORKER_MAX_LATENESS_MINUTES must cover at least two WORKER_TICK_SECONDS');
  }
  return {
    ddayHour: r.int('WORKER_DDAY_HOUR', 8, 0, 23),
    tickMs,
    maxLatenessMs,
    batchSize: r.int('WORKER_BATCH_SIZE', 500, 10, 5000),
    smsMaxAttempts: r.int('WORKER_SMS_MAX_ATTEMPTS', 3, 1, 10),
    smsBackoffMs: r.int('WORKER_SMS_BACKOFF_SECONDS', 30, 1, 3600) * 1000,
    smsConcurrency: r.int('WORKER_SMS_CONCURRENCY', 4, 1, 50),
    healthPort:
      r.raw('WORKER_HEALTH_PORT') === undefined ? null : r.int('WORKER_HEALTH_PORT', 0, 0, 65535),
    spaUrl: (r.url('SPA_URL', ['http:', 'https:']) ?? 'https://www.erunjrun.com').replace(
      /\/+$/,
      '',
    ),
  };
}

/**
 * Embedded mode keeps generated secrets beside its data so a restart (or another process on
 * the machine) uses the same ones: sessions stay valid, stored phone numbers stay readable.
 * A file that is there but holds no usable secret (empty, cut short, edited by hand) is
 * refused, never used: a blank signing secret would let anyone sign a token.
 */
function storedSecret<T>(
  r: Reader,
  file: string,
  stored: { generate: () => string; parse: (text: string) => T | null; problem: string },
): T | null {
  try {
    const value = stored.parse(readOrCreateSecret(file, stored.generate));
    if (value === null) r.problems.push(`${file} ${stored.problem}`);
    return value;
  } catch (err) {
    r.problems.push(`${file} cannot be read or created: ${(err as Error).message}`);
    return null;
  }
}

const STORED_JWT_SECRET = {
  generate: () => crypto.randomBytes(48).toString('base64url'),
  parse: (text: string) => (text.length >= MIN_SECRET_LENGTH ? text : null),
  problem:
    `must hold a signing secret of at least ${MIN_SECRET_LENGTH} characters: restore it, ` +
    'or delete it to have a new one generated (which signs everyone out)',
};

const STORED_PHONE_KEY = {
  generate: () => crypto.randomBytes(PHONE_KEY_BYTES).toString('base64'),
  parse: parsePhoneKey,
  problem:
    `must hold a ${PHONE_KEY_BYTES}-byte key (64 hex characters or base64): restore it, as ` +
    'the stored phone numbers are encrypted with it (delete it only if none was ever stored)',
};

export function loadConfig(env: Env = process.env): Config {
  const r = new Reader(env);

  const dataDir = path.resolve(r.string('DATA_DIR', './data'));
  const dbUrl = r.url('DB_URL', ['mysql:', 'mariadb:']);
  const redisUrl = r.url('REDIS_URL', ['redis:', 'rediss:']);
  const embedded = dbUrl === null;

  let secret = r.raw('JWT_SECRET');
  if (secret !== undefined && secret.length < MIN_SECRET_LENGTH) {
    r.problems.push(`JWT_SECRET must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  if (secret === undefined && !embedded) {
    r.problems.push('JWT_SECRET is required when DB_URL is set');
  }

  const accessTtlSeconds = r.int('JWT_ACCESS_TTL', 3600, 1, 7 * 24 * 3600);
  const refreshTtlSeconds = r.int('JWT_REFRESH_TTL', 14 * 24 * 3600, 60, 365 * 24 * 3600);
  if (refreshTtlSeconds <= accessTtlSeconds) {
    r.problems.push('JWT_REFRESH_TTL must be longer than JWT_ACCESS_TTL');
  }

  const corsOrigins = r
    .string('CORS_ORIGINS', 'http://localhost:3000')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const origin of corsOrigins) {
    if (!/^https?:\/\/[^/]+$/.test(origin)) {
      r.problems.push(`CORS_ORIGINS entry "${origin}" must be an origin like https://example.com`);
    }
  }

  // A slow client (slowloris, a stalled upload) is cut off after these. Node requires
  // headersTimeout <= requestTimeout. Behind a load balancer the keep-alive timeout should be
  // longer than the balancer's idle timeout, so the balancer closes idle sockets first.
  const requestTimeoutMs = r.int('HTTP_REQUEST_TIMEOUT_MS', 120000, 1000, 600000);
  const headersTimeoutMs = r.int('HTTP_HEADERS_TIMEOUT_MS', 20000, 1000, 600000);
  const keepAliveTimeoutMs = r.int('HTTP_KEEP_ALIVE_TIMEOUT_MS', 5000, 1000, 600000);
  if (headersTimeoutMs > requestTimeoutMs) {
    r.problems.push('HTTP_HEADERS_TIMEOUT_MS must not be longer than HTTP_REQUEST_TIMEOUT_MS');
  }

  const port = r.int('PORT', 3000, 0, 65535);
  const publicUrl = (
    r.url('PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`
  ).replace(/\/+$/, '');

  const config: Config = {
    port,
    publicUrl,
    dataDir,
    embedded,
    db: {
      url: dbUrl,
      sqliteFile: path.join(dataDir, 'erunjrun.sqlite'),
      poolMax: r.int('DB_POOL_MAX', 10, 2, 200),
      migrateOnStart: r.bool('DB_MIGRATE_ON_START', embedded),
      logQueries: r.bool('DB_LOG_QUERIES', false),
    },
    store: {
      redisUrl,
      sqliteFile: path.join(dataDir, 'keystore.sqlite'),
      keyPrefix: r.string('KEY_PREFIX', 'erunjrun:'),
    },
    cache: {
      groupLists: r.bool('GROUP_LIST_CACHE', true),
    },
    courses: {
      viewWindowSeconds: r.int('COURSE_VIEW_WINDOW_SECONDS', 3600, 60, 7 * 24 * 3600),
    },
    jwt: {
      secret: '',
      accessTtlSeconds,
      refreshTtlSeconds,
    },
    http: {
      corsOrigins,
      bodyLimit: r.string('BODY_LIMIT', '5mb'),
      trustProxy: readTrustProxy(r),
      shutdownTimeoutMs: r.int('SHUTDOWN_TIMEOUT_MS', 10000, 0, 120000),
      requestTimeoutMs,
      headersTimeoutMs,
      keepAliveTimeoutMs,
    },
    chat: {
      legacyClients: r.bool('CHAT_LEGACY_CLIENTS', false),
      maxSocketsPerUser: r.int('CHAT_MAX_SOCKETS_PER_USER', 5, 1, 100),
    },
    rateLimit: readRateLimits(r),
    log: {
      level: r.oneOf('LOG_LEVEL', ['silent', 'error', 'warn', 'info', 'http', 'debug'], 'info'),
      format: r.oneOf('LOG_FORMAT', ['json', 'pretty'], 'json'),
    },
    images: readImages(r, dataDir, publicUrl),
    oauth: readOAuth(r),
    sms: readSms(r),
    phone: readPhone(r, embedded),
    worker: readWorker(r),
  };

  // Only on an otherwise valid configuration: a mistyped setting creates no files.
  if (embedded && r.problems.length === 0) {
    const dir = (name: string) => path.join(dataDir, name);
    secret ??= storedSecret(r, dir('jwt-secret'), STORED_JWT_SECRET) ?? undefined;
    if (config.phone.encryptionKey.length === 0) {
      config.phone.encryptionKey =
        storedSecret(r, dir('phone-key'), STORED_PHONE_KEY) ?? config.phone.encryptionKey;
    }
  }
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  config.jwt.secret = secret ?? '';
  return config;
}

/** Reads `.env` (if present) into process.env, then validates. Used by the process entry points. */
export function loadConfigFromEnvironment(): Config {
  dotenv.config({ quiet: true } as dotenv.DotenvConfigOptions);
  return loadConfig(process.env);
}
