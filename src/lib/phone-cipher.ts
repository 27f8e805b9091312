import crypto from 'node:crypto';
import type { Config } from '../config';

/**
 * Phone numbers at rest. New values are AES-256-GCM with a random 96-bit IV:
 *   `v1:` + base64url(iv ‖ ciphertext ‖ tag)
 * The version prefix lets a later key or algorithm live beside this one; base64 never holds a
 * colon, so values written by the original (bare base64) are told apart without guessing.
 *
 * The original used `crypto.createCipher('des', CRYPTO_KEY)`: single DES-CBC with PKCS#7
 * padding, key and IV from OpenSSL's EVP_BytesToKey (one round of MD5, no salt), so key =
 * MD5(pass)[0..8] and IV = MD5(pass)[8..16]. OpenSSL 3 (Node ≥ 17) only offers single DES in
 * its legacy provider, which Node does not load. Triple DES (EDE) with the same key in all
 * three positions computes E(K, D(K, E(K, x))) = E(K, x), exactly single DES — that equivalence
 * is why EDE was designed that way — and DES-EDE3-CBC is in OpenSSL 3's default provider. So
 * legacy values are read with the built-in cipher and no DES code or package of our own.
 */
export const CURRENT_PREFIX = 'v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class PhoneDecryptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PhoneDecryptError';
  }
}

export interface PhoneCipher {
  encrypt(plain: string): string;
  /** Reads current and legacy values; throws PhoneDecryptError when it cannot. */
  decrypt(stored: string): string;
  /** True for a value written by the original (DES), which `npm run phones:reencrypt` rewrites. */
  isLegacy(stored: string): boolean;
  /**
   * A keyed fingerprint of a number, for finding and limiting by number (send limits,
   * pending codes) without keeping the number itself anywhere in clear.
   */
  fingerprint(plain: string): string;
}

/** key and IV of the original's `createCipher('des', pass)`. */
function legacyKeyAndIv(passphrase: string): { key: Buffer; iv: Buffer } {
  const digest = crypto.createHash('md5').update(passphrase, 'utf8').digest();
  return { key: digest.subarray(0, 8), iv: digest.subarray(8, 16) };
}

function legacyDecrypt(passphrase: string, stored: string): string {
  const { key, iv } = legacyKeyAndIv(passphrase);
  const decipher = crypto.createDecipheriv('des-ede3-cbc', Buffer.concat([key, key, key]), iv);
  return Buffer.concat([decipher.update(Buffer.from(stored, 'base64')), decipher.final()]).toString(
    'utf8',
  );
}

export function createPhoneCipher(
  settings: Pick<Config['phone'], 'encryptionKey' | 'legacyKey'>,
): PhoneCipher {
  const key = settings.encryptionKey;
  if (key.length !== 32) throw new Error('the phone encryption key must be 32 bytes');
  // A separate key for fingerprints, so the encryption key is used for one thing only.
  const lookupKey = Buffer.from(
    crypto.hkdfSync('sha256', key, Buffer.alloc(0), 'erunjrun phone fingerprint', 32),
  );

  const isLegacy = (stored: string) => !stored.includes(':');

  return {
    encrypt(plain) {
      const iv = crypto.randomBytes(IV_BYTES);
      const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return CURRENT_PREFIX + Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
    },

    decrypt(stored) {
      if (stored.startsWith(CURRENT_PREFIX)) {
        const raw = Buffer.from(stored.slice(CURRENT_PREFIX.length), 'base64url');
        if (raw.length < IV_BYTES + TAG_BYTES) throw new PhoneDecryptError('truncated value');
        const decipher = crypto.createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
        decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
        try {
          return Buffer.concat([
            decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)),
            decipher.final(),
          ]).toString('utf8');
        } catch {
          throw new PhoneDecryptError('value does not match the key (PHONE_ENCRYPTION_KEY)');
        }
      }
      if (!isLegacy(stored)) throw new PhoneDecryptError('unknown format version');
      if (settings.legacyKey === null) {
        throw new PhoneDecryptError('a legacy value needs LEGACY_PHONE_KEY');
      }
      try {
        return legacyDecrypt(settings.legacyKey, stored);
      } catch {
        throw new PhoneDecryptError('legacy value does not match LEGACY_PHONE_KEY');
      }
    },

    isLegacy,

    fingerprint(plain) {
      return crypto.createHmac('sha256', lookupKey).update(plain).digest('base64url');
    },
  };
}
