import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import dotenv from 'dotenv';

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
  jwt: {
    secret: string;
    accessTtlSeconds: number;
    refreshTtlSeconds: number;
  };
  http: {
    corsOrigins: string[];
    bodyLimit: string;
    trustProxy: string | number | boolean;
    shutdownTimeoutMs: number;
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
    } | null;
    maxFileBytes: number;
    maxPixels: number;
  };
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
  };
}

/** Embedded mode keeps a generated signing secret beside its data so restarts keep sessions valid. */
function embeddedSecret(dataDir: string): string {
  const file = path.join(dataDir, 'jwt-secret');
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    const secret = crypto.randomBytes(48).toString('base64url');
    try {
      fs.writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
      return secret;
    } catch {
      // Another process created it first: use theirs.
      return fs.readFileSync(file, 'utf8').trim();
    }
  }
}

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

  const trustProxyRaw = r.string('TRUST_PROXY', 'false');
  const trustProxy = /^\d+$/.test(trustProxyRaw)
    ? Number(trustProxyRaw)
    : /^(true|false)$/.test(trustProxyRaw)
      ? trustProxyRaw === 'true'
      : trustProxyRaw;

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
    jwt: {
      secret: '',
      accessTtlSeconds,
      refreshTtlSeconds,
    },
    http: {
      corsOrigins,
      bodyLimit: r.string('BODY_LIMIT', '5mb'),
      trustProxy,
      shutdownTimeoutMs: r.int('SHUTDOWN_TIMEOUT_MS', 10000, 0, 120000),
    },
    log: {
      level: r.oneOf('LOG_LEVEL', ['silent', 'error', 'warn', 'info', 'http', 'debug'], 'info'),
      format: r.oneOf('LOG_FORMAT', ['json', 'pretty'], 'json'),
    },
    images: readImages(r, dataDir, publicUrl),
  };

  if (r.problems.length > 0) throw new ConfigError(r.problems);

  if (secret === undefined) secret = embeddedSecret(dataDir);
  config.jwt.secret = secret;
  return config;
}

/** Reads `.env` (if present) into process.env, then validates. Used by the process entry points. */
export function loadConfigFromEnvironment(): Config {
  dotenv.config({ quiet: true } as dotenv.DotenvConfigOptions);
  return loadConfig(process.env);
}
