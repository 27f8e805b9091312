import path from 'node:path';
import dotenv from 'dotenv';
import {
  CACHE,
  CHAT,
  COURSES,
  DB,
  HTTP,
  IMAGES,
  JWT,
  KAKAO,
  LOG,
  METRICS,
  NAVER,
  OAUTH,
  PHONE,
  RATE_LIMIT,
  S3,
  S3_CLIENT,
  SENS,
  SERVER,
  SMS,
  STORE,
  WORKER,
} from './schema';
import { MIN_SECRET_LENGTH, prepareEmbeddedSecrets } from './secrets';
import { ConfigError, Reader, readSection, together, type Env, type Values } from './settings';

/**
 * The only reader of process.env. Every setting is declared once in ./schema (variable, parser,
 * default, doc line) and its type comes from there; this file adds what is derived from several
 * settings and the checks across them. All problems are reported together so an operator can
 * fix a bad deployment in one go. Reading has no side effects: the embedded secrets are made at
 * start-up (./secrets).
 */

export { ConfigError } from './settings';
export { parsePhoneKey } from './phone-key';
export { prepareEmbeddedSecrets } from './secrets';

export type Config = ReturnType<typeof assemble>;
export type LogLevel = Config['log']['level'];
export type LogFormat = Config['log']['format'];
export type RateLimitRule = Config['rateLimit']['login'];

/** S3 settings with a bucket; a missing timeout means the storage's own default. */
export type S3Settings = Omit<Values<typeof S3>, 'bucket'> & {
  bucket: string;
  forcePathStyle: boolean;
  timeoutMs?: number;
};

function assemble(r: Reader) {
  const server = readSection(r, SERVER);
  const dataDir = path.resolve(server.dataDir);
  const publicUrl = server.publicUrl ?? `http://localhost:${server.port}`;
  const db = readSection(r, DB);
  const embedded = db.url === null;
  const store = readSection(r, STORE);
  if (server.webConcurrency > 1 && store.redisUrl === null) {
    r.problem(
      'WEB_CONCURRENCY above 1 needs REDIS_URL: chat rooms are shared between API processes through Redis',
    );
  }
  return {
    port: server.port,
    /** API processes (node:cluster workers behind one port); 1 = a single process, no cluster. */
    webConcurrency: server.webConcurrency,
    /** Where clients reach this API (used for links to its own files, like the default avatar). */
    publicUrl,
    dataDir,
    /** NODE_ENV=production: no development aids (the log-only SMS sender hides the codes). */
    production: server.nodeEnv === 'production',
    /** true when no DB_URL is set: SQLite + local key store + local files. */
    embedded,
    db: {
      ...db,
      sqliteFile: path.join(dataDir, 'erunjrun.sqlite'),
      migrateOnStart: db.migrateOnStart ?? embedded,
    },
    store: { ...store, sqliteFile: path.join(dataDir, 'keystore.sqlite') },
    /** In-process caches that stay correct after writes (see src/lib/read-cache.ts). */
    cache: readSection(r, CACHE),
    courses: readSection(r, COURSES),
    jwt: readJwt(r, embedded),
    http: readHttp(r),
    chat: readSection(r, CHAT),
    /** Per-IP request limits, counted in the shared key store (src/lib/rate-limit.ts). */
    rateLimit: readSection(r, RATE_LIMIT),
    log: readSection(r, LOG),
    images: readImages(r, dataDir, publicUrl),
    /** Kakao/Naver login; a provider is null until its keys are set. */
    oauth: readOAuth(r),
    /** Naver Cloud SENS; null = the log-only sender. */
    sms: readSms(r),
    phone: readPhone(r, embedded),
    /** Prometheus metrics (`GET /metrics` of the API and of the worker's health port). */
    metrics: readMetrics(r),
    /** The notification worker (`npm run worker`). */
    worker: readWorker(r),
  };
}

/** Without JWT_SECRET in embedded mode the secret stays empty until prepareEmbeddedSecrets. */
function readJwt(r: Reader, embedded: boolean) {
  const jwt = readSection(r, JWT);
  if (jwt.secret !== null && jwt.secret.length < MIN_SECRET_LENGTH) {
    r.problem(`JWT_SECRET must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  if (jwt.secret === null && !embedded) r.problem('JWT_SECRET is required when DB_URL is set');
  if (jwt.refreshTtlSeconds <= jwt.accessTtlSeconds) {
    r.problem('JWT_REFRESH_TTL must be longer than JWT_ACCESS_TTL');
  }
  return { ...jwt, secret: jwt.secret ?? '' };
}

function readHttp(r: Reader) {
  const http = readSection(r, HTTP);
  for (const origin of http.corsOrigins) {
    if (!/^https?:\/\/[^/]+$/.test(origin)) {
      r.problem(`CORS_ORIGINS entry "${origin}" must be an origin like https://example.com`);
    }
  }
  if (http.headersTimeoutMs > http.requestTimeoutMs) {
    r.problem('HTTP_HEADERS_TIMEOUT_MS must not be longer than HTTP_REQUEST_TIMEOUT_MS');
  }
  return http;
}

/** libuv's pool threads that image work must leave to the database driver, files and crypto. */
const POOL_THREADS_KEPT_FREE = 2;

function readImages(r: Reader, dataDir: string, publicUrl: string) {
  const { threadPoolSize, baseUrl, ...images } = readSection(r, IMAGES);
  // Each image being prepared holds one thread of libuv's pool, which the SQLite driver, file
  // writes and crypto share: images may never take the threads those need.
  if (images.concurrency > threadPoolSize - POOL_THREADS_KEPT_FREE) {
    r.problem(
      `IMAGE_CONCURRENCY (${images.concurrency}) must leave ${POOL_THREADS_KEPT_FREE} of libuv's ` +
        `${threadPoolSize} pool threads free: lower it or raise UV_THREADPOOL_SIZE`,
    );
  }
  const { bucket, ...store } = readSection(r, S3);
  if ((store.accessKeyId === null) !== (store.secretAccessKey === null)) {
    r.problem('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together');
  }
  let s3: S3Settings | null = null;
  if (bucket !== null) {
    const client = readSection(r, S3_CLIENT);
    s3 = {
      bucket,
      ...store,
      ...client,
      forcePathStyle: client.forcePathStyle ?? store.endpoint !== null,
    };
  }
  const defaultBase = s3
    ? s3.endpoint
      ? `${s3.endpoint.replace(/\/+$/, '')}/${s3.bucket}`
      : `https://${s3.bucket}.s3.${s3.region}.amazonaws.com`
    : `${publicUrl}/images`;
  return {
    /** Public base of every image URL (the CDN in production). */
    baseUrl: baseUrl ?? defaultBase,
    /** Local folder used when no S3 bucket is configured. */
    localDir: path.join(dataDir, 'images'),
    s3,
    ...images,
  };
}

function readOAuth(r: Reader) {
  const kakao = readSection(r, KAKAO);
  const naver = readSection(r, NAVER);
  const kakaoSet = together(r, [KAKAO.clientId, KAKAO.redirectUri]);
  const naverSet = together(r, [NAVER.clientId, NAVER.clientSecret, NAVER.redirectUri]);
  return {
    ...readSection(r, OAUTH),
    kakao:
      kakaoSet && kakao.redirectUri
        ? {
            clientId: kakao.clientId ?? '',
            clientSecret: kakao.clientSecret,
            redirectUri: kakao.redirectUri,
          }
        : null,
    naver:
      naverSet && naver.redirectUri
        ? {
            clientId: naver.clientId ?? '',
            clientSecret: naver.clientSecret ?? '',
            redirectUri: naver.redirectUri,
            state: naver.state,
          }
        : null,
  };
}

function readSms(r: Reader) {
  const sens = readSection(r, SENS);
  const configured = together(r, [SENS.serviceId, SENS.accessKey, SENS.secretKey, SENS.from]);
  return {
    sens: configured
      ? {
          baseUrl: sens.baseUrl,
          serviceId: sens.serviceId ?? '',
          accessKey: sens.accessKey ?? '',
          secretKey: sens.secretKey ?? '',
          from: sens.from ?? '',
        }
      : null,
    ...readSection(r, SMS),
  };
}

/** Without PHONE_ENCRYPTION_KEY in embedded mode the key stays empty until prepareEmbeddedSecrets. */
function readPhone(r: Reader, embedded: boolean) {
  const phone = readSection(r, PHONE);
  if (r.raw(PHONE.encryptionKey.key) === undefined && !embedded) {
    r.problem('PHONE_ENCRYPTION_KEY is required when DB_URL is set');
  }
  return { ...phone, encryptionKey: phone.encryptionKey ?? Buffer.alloc(0) };
}

/** Shortest METRICS_TOKEN: a guessable token would be no better than none. */
const MIN_METRICS_TOKEN_LENGTH = 16;

function readMetrics(r: Reader) {
  const metrics = readSection(r, METRICS);
  if (metrics.token !== null && metrics.token.length < MIN_METRICS_TOKEN_LENGTH) {
    r.problem(`METRICS_TOKEN must be at least ${MIN_METRICS_TOKEN_LENGTH} characters`);
  }
  return metrics;
}

function readWorker(r: Reader) {
  const worker = readSection(r, WORKER);
  if (worker.maxLatenessMs < 2 * worker.tickMs) {
    // Otherwise a normal tick's window would already be cut short and reminders lost.
    r.problem('WORKER_MAX_LATENESS_MINUTES must cover at least two WORKER_TICK_SECONDS');
  }
  return worker;
}

/**
 * Reads and checks every setting of `env`, reporting all problems at once (ConfigError). Pure:
 * in embedded mode the secrets not set stay empty until prepareEmbeddedSecrets.
 */
export function loadConfig(env: Env = process.env): Config {
  const r = new Reader(env);
  const config = assemble(r);
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}

/**
 * What a process does at start: reads `.env` (if present) into process.env, checks every
 * setting, then reads or creates the embedded secrets. Used by the process entry points.
 */
export function loadConfigFromEnvironment(): Config {
  dotenv.config({ quiet: true } as dotenv.DotenvConfigOptions);
  return prepareEmbeddedSecrets(loadConfig(process.env));
}
