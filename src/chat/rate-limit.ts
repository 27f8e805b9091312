import type { AppContext } from '../lib/context';
import { failOpen } from '../store/fail-open';

/**
 * A token bucket: `capacity` messages at once, refilled continuously at `capacity` per
 * `windowMs`. Bursts up to the capacity pass, a steady flood is held to the refill rate. Time
 * comes from the caller (the context clock), so tests move it instead of waiting.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly capacity: number,
    private readonly windowMs: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.updatedAt = now;
  }

  /** Takes one token; false when the bucket is empty. */
  take(now: number): boolean {
    const elapsed = Math.max(0, now - this.updatedAt);
    this.tokens = Math.min(this.capacity, this.tokens + (elapsed * this.capacity) / this.windowMs);
    this.updatedAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

const userLimit = failOpen({
  operation: 'chat_limit',
  skipped: 'chat per-user limits skipped while the key store is unavailable',
  back: 'chat rate limits: key store answers again',
});

/**
 * Takes one of the user's tokens of this kind from their bucket in the shared key store
 * ({@link KeyStore.takeToken}, key `rl:chat-<kind>:<userId>`), so every API process counts
 * against the same bucket, with the same semantics as {@link TokenBucket}. Never rejects: while
 * the key store fails the event passes (the per-connection bucket still holds each connection),
 * as the HTTP rate limits do, counted in the key-store error metric and warned about once per
 * outage (then once when the store answers again).
 */
export async function takeUserToken(
  ctx: Pick<AppContext, 'logger' | 'metrics' | 'store'>,
  kind: 'message' | 'read',
  userId: string,
  rate: { capacity: number; windowMs: number },
  now: number,
): Promise<boolean> {
  return userLimit(
    ctx,
    () => ctx.store.takeToken(`rl:chat-${kind}:${userId}`, rate.capacity, rate.windowMs, now),
    true,
  );
}
