import { Op } from 'sequelize';
import { bootstrap } from '../bootstrap';
import { User } from '../db/models';
import { normalizeMobile } from '../lib/phone';
import { CURRENT_PREFIX, type PhoneCipher } from '../lib/phone-cipher';
import { createProgress, QUIET } from './progress';
import { runCli } from './run';

export interface ReencryptReport {
  /** Values in the original's format (or its 'null' placeholder) found at the start. */
  legacy: number;
  reencrypted: number;
  /** The original's test data held the string 'null': it becomes SQL NULL. */
  cleared: number;
  /** Values that would not decrypt with LEGACY_PHONE_KEY; left as they are. */
  unreadable: number;
}

const notCurrent = { [Op.and]: [{ [Op.ne]: null }, { [Op.notLike]: `${CURRENT_PREFIX}%` }] };

/**
 * Rewrites every phone number still in the original's DES format as AES-256-GCM (digits only).
 * Walks the users in key order in batches; each row is updated only if it still holds the value
 * read, so a verification happening meanwhile is never overwritten. Running it again finds
 * nothing left to do.
 */
export async function reencryptPhones(
  phones: PhoneCipher,
  options: { batchSize?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<ReencryptReport> {
  const batchSize = options.batchSize ?? 500;
  const report: ReencryptReport = {
    legacy: await User.count({ where: { phone: notCurrent } }),
    reencrypted: 0,
    cleared: 0,
    unreadable: 0,
  };
  let after = '';
  for (;;) {
    const batch = await User.findAll({
      attributes: ['userId', 'phone'],
      where: { userId: { [Op.gt]: after }, phone: notCurrent },
      order: [['userId', 'ASC']],
      limit: batchSize,
    });
    if (batch.length === 0) break;
    for (const { userId, phone } of batch) {
      const old = phone as string;
      let next: string | null = null;
      if (old !== 'null') {
        try {
          const plain = phones.decrypt(old);
          next = phones.encrypt(normalizeMobile(plain) ?? plain);
        } catch {
          report.unreadable += 1;
          continue;
        }
      }
      const [changed] = await User.update({ phone: next }, { where: { userId, phone: old } });
      if (changed === 1) {
        if (next === null) report.cleared += 1;
        else report.reencrypted += 1;
      }
    }
    after = batch[batch.length - 1].userId;
    options.onProgress?.(report.reencrypted + report.cleared + report.unreadable, report.legacy);
  }
  return report;
}

/**
 * `npm run phones:reencrypt`: needs LEGACY_PHONE_KEY (the original's CRYPTO_KEY) and the
 * PHONE_ENCRYPTION_KEY the API uses. Prints progress, then the counts; exits non-zero when
 * some values could not be read.
 */
export const PHONES_REENCRYPT_CLI = {
  command: 'npm run phones:reencrypt --',
  summary:
    "Rewrites every phone number still in the original's DES format as AES-256-GCM. Needs " +
    "LEGACY_PHONE_KEY (the original's CRYPTO_KEY) and the PHONE_ENCRYPTION_KEY the API uses. " +
    'Progress on stderr, the counts on stdout; exit 1 when some values could not be read.',
  options: QUIET,
};

if (require.main === module) {
  runCli(
    PHONES_REENCRYPT_CLI,
    ({ values }) => values,
    async (config, logger, { quiet }) => {
      const progress = createProgress({ quiet });
      const runtime = await bootstrap(config, { logger });
      try {
        const pending = await User.count({
          where: { phone: { [Op.and]: [notCurrent, { [Op.ne]: 'null' }] } },
        });
        if (pending > 0 && config.phone.legacyKey === null) {
          throw new Error(
            `${pending} phone numbers are in the original's format: set LEGACY_PHONE_KEY (its CRYPTO_KEY)`,
          );
        }
        const report = await reencryptPhones(runtime.phones, {
          onProgress: (done, total) => progress.count('phone numbers', done, total),
        });
        console.log(
          `done: ${report.reencrypted} re-encrypted, ${report.cleared} 'null' placeholders cleared, ` +
            `${report.unreadable} unreadable (left unchanged)`,
        );
        if (report.unreadable > 0) {
          throw new Error(`${report.unreadable} values did not decrypt with LEGACY_PHONE_KEY`);
        }
      } finally {
        await runtime.close();
      }
    },
  );
}
