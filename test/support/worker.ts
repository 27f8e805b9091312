import crypto from 'node:crypto';
import { Writable } from 'node:stream';
import winston from 'winston';
import type { Config } from '../../src/config';
import { Alarm, Applier, type Group, type User } from '../../src/db/models';
import { createPhoneCipher } from '../../src/lib/phone-cipher';
import { fromKst, kstDate } from '../../src/lib/time';
import { createWorkerDeps, type WorkerDeps } from '../../src/jobs/deps';
import { messageType, type SmsSender } from '../../src/sms';
import type { SmsMessage } from '../../src/sms/sms-sender';
import { makeGroupRow } from './comments';
import { type TestContext } from './context';
import { makeUser } from './users';

export { makeGroupRow };

const DAY_MS = 86_400_000;

/**
 * Each worker test file runs on its own stretch of calendar (no other file has runs there), and
 * each test on its own day of it, later than the previous test's: windows and scan marks never
 * see another test's runs.
 */
export function calendar(firstDay: string) {
  let next = fromKst(firstDay).getTime();
  return {
    /** A fresh Korean date; the next call returns a later one. */
    day(): string {
      const date = kstDate(new Date(next));
      next += 3 * DAY_MS;
      return date;
    },
  };
}

/** The instant of a Korean wall-clock time on `date`. */
export const kst = (date: string, time: string) => fromKst(date, time);

export const addMs = (instant: Date, ms: number) => new Date(instant.getTime() + ms);

/** A stand-in for SENS that records what it was asked to send; `fail` decides per call. */
export class FakeSms implements SmsSender {
  readonly kind: 'sens' | 'log' = 'sens';
  readonly calls: SmsMessage[] = [];
  fail: (message: SmsMessage, call: number) => Error | null = () => null;
  /** How long each send takes (to let concurrent runs overlap). */
  delayMs = 0;

  async send(message: SmsMessage) {
    this.calls.push(message);
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    const error = this.fail(message, this.calls.length);
    if (error) throw error;
    return { type: messageType(message.content) };
  }

  /** The calls made to these numbers only (other tests' rows never get here, but be exact). */
  to(...numbers: string[]) {
    return this.calls.filter((c) => numbers.includes(c.to));
  }
}

/** Log lines as JSON strings, to check what reached the log. */
export function capturingLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const logger = winston.createLogger({
    level: 'debug',
    format: winston.format.json(),
    transports: [new winston.transports.Stream({ stream })],
  });
  return { logger, lines };
}

export function workerDeps(
  ctx: TestContext,
  settings: Partial<Config['worker']> = {},
  overrides: Partial<WorkerDeps> = {},
): WorkerDeps {
  return createWorkerDeps(ctx, {
    sms: new FakeSms(),
    settings: { ...ctx.config.worker, ...settings },
    ...overrides,
  });
}

/** A random Korean mobile number, digits only. */
export const mobile = () => `010${String(crypto.randomInt(1e8)).padStart(8, '0')}`;

/** A user who agreed to texts and verified `phone` (stored encrypted, as the API stores it). */
export async function textableUser(
  ctx: TestContext,
  phone = mobile(),
  attrs: Partial<User> = {},
): Promise<User & { number: string }> {
  const user = await makeUser({
    phone: createPhoneCipher(ctx.config.phone).encrypt(phone),
    agreeSMS: true,
    ...attrs,
  });
  return Object.assign(user, { number: phone });
}

export async function apply(group: Group, user: User, attrs: Partial<Applier> = {}) {
  return Applier.create({ groupId: group.groupId, userId: user.userId, ...attrs } as Applier);
}

/** A run with its host (an applicant too, as the API makes them) and the given runners. */
export async function runWith(host: User, runners: User[], attrs: Partial<Group>) {
  const group = await makeGroupRow(host, attrs);
  await apply(group, host);
  for (const runner of runners) await apply(group, runner);
  return group;
}

/** The worker alarms of a group, by recipient. */
export async function alarmsOf(group: Group, category?: string) {
  return Alarm.findAll({
    where: { groupId: group.groupId, ...(category ? { category } : {}) },
    order: [['userId', 'ASC']],
  });
}
