import type { Sequelize } from 'sequelize';
import type { Config } from '../config';
import type { Logger } from '../lib/logger';
import { createPhoneCipher, type PhoneCipher } from '../lib/phone-cipher';
import { createSmsSender, type SmsSender } from '../sms';
import { createImageService, type ImageService } from '../uploads';
import { WorkerScan } from './scan-state';

/** What the worker's jobs run on. Tests build it with a fake sender and their own settings. */
export interface WorkerDeps {
  sequelize: Sequelize;
  logger: Logger;
  settings: Config['worker'];
  sms: SmsSender;
  /** How long one SENS call may take: a `sending` row older than this was interrupted. */
  smsTimeoutMs: number;
  phones: PhoneCipher;
  /** For the images still queued for deletion. */
  images: ImageService;
}

/**
 * Where a job stops early when the process is asked to: between batches (texts: between two
 * sends), never inside one.
 */
export interface JobOptions {
  now: Date;
  signal?: AbortSignal;
}

export function createWorkerDeps(
  runtime: { config: Config; logger: Logger; sequelize: Sequelize },
  overrides: Partial<WorkerDeps> = {},
): WorkerDeps {
  // The worker's own table; the API never reads it, so it is not among the shared models.
  WorkerScan.initModel(runtime.sequelize);
  return {
    sequelize: runtime.sequelize,
    logger: runtime.logger,
    settings: runtime.config.worker,
    sms: createSmsSender(runtime.config, runtime.logger),
    smsTimeoutMs: runtime.config.sms.timeoutMs,
    phones: createPhoneCipher(runtime.config.phone),
    images: createImageService(runtime.config, runtime.logger),
    ...overrides,
  };
}
