import crypto from 'node:crypto';
import path from 'node:path';
import { readOrCreateSecret } from '../lib/private-files';
import { PHONE_KEY_BYTES, parsePhoneKey } from './phone-key';
import { ConfigError } from './settings';

export const MIN_SECRET_LENGTH = 32;

/** The part of the configuration the embedded secrets complete. */
interface WithSecrets {
  embedded: boolean;
  dataDir: string;
  jwt: { secret: string };
  phone: { encryptionKey: Buffer };
}

interface StoredSecret<T> {
  file: string;
  generate: () => string;
  parse: (text: string) => T | null;
  problem: string;
}

const STORED_JWT_SECRET: StoredSecret<string> = {
  file: 'jwt-secret',
  generate: () => crypto.randomBytes(48).toString('base64url'),
  parse: (text) => (text.length >= MIN_SECRET_LENGTH ? text : null),
  problem:
    `must hold a signing secret of at least ${MIN_SECRET_LENGTH} characters: restore it, ` +
    'or delete it to have a new one generated (which signs everyone out)',
};

const STORED_PHONE_KEY: StoredSecret<Buffer> = {
  file: 'phone-key',
  generate: () => crypto.randomBytes(PHONE_KEY_BYTES).toString('base64'),
  parse: parsePhoneKey,
  problem:
    `must hold a ${PHONE_KEY_BYTES}-byte key (64 hex characters or base64): restore it, as ` +
    'the stored phone numbers are encrypted with it (delete it only if none was ever stored)',
};

/**
 * Embedded mode keeps generated secrets beside its data so a restart (or another process on
 * the machine) uses the same ones: sessions stay valid, stored phone numbers stay readable.
 * A file that is there but holds no usable secret (empty, cut short, edited by hand) is
 * refused, never used: a blank signing secret would let anyone sign a token.
 */
function stored<T>(dataDir: string, secret: StoredSecret<T>, problems: string[]): T | null {
  const file = path.join(dataDir, secret.file);
  try {
    const value = secret.parse(readOrCreateSecret(file, secret.generate));
    if (value === null) problems.push(`${file} ${secret.problem}`);
    return value;
  } catch (err) {
    problems.push(`${file} cannot be read or created: ${(err as Error).message}`);
    return null;
  }
}

/**
 * The start-up step of the embedded mode: the signing secret and the phone key that were not
 * set are read from DATA_DIR, or generated and kept there the first time. Called where a
 * process starts (loadConfigFromEnvironment), never while the settings are read. Throws a
 * ConfigError naming each unusable file.
 */
export function prepareEmbeddedSecrets<C extends WithSecrets>(config: C): C {
  if (!config.embedded) return config;
  const problems: string[] = [];
  const secret = config.jwt.secret || stored(config.dataDir, STORED_JWT_SECRET, problems);
  const encryptionKey =
    config.phone.encryptionKey.length > 0
      ? config.phone.encryptionKey
      : stored(config.dataDir, STORED_PHONE_KEY, problems);
  if (problems.length > 0 || secret === null || encryptionKey === null) {
    throw new ConfigError(problems);
  }
  return {
    ...config,
    jwt: { ...config.jwt, secret },
    phone: { ...config.phone, encryptionKey },
  };
}
