import crypto from 'node:crypto';
import type { AppContext } from './context';

/** How long a generation lives without a write renewing it. */
const GENERATION_TTL_SECONDS = 24 * 3600;

/**
 * A generation in the key store that what a process keeps is checked against: every process
 * uses what it kept only while `read` answers the generation it was kept under, and a committed
 * write `renew`s it, so every process reads again. `label` names it in the metrics (key-store
 * errors) and the log.
 */
export class SharedGeneration {
  constructor(
    private readonly ctx: Pick<AppContext, 'store' | 'logger' | 'metrics'>,
    private readonly key: string,
    private readonly label: string,
  ) {}

  /**
   * The current generation; null when there is none (expired, store emptied: a new one is
   * stored, so keeping starts again from the next request on) or it cannot be read.
   */
  async read(): Promise<string | null> {
    try {
      const generation = await this.ctx.store.get(this.key);
      if (generation === null) void this.restart();
      return generation;
    } catch {
      this.failed();
      return null;
    }
  }

  /** Stores a new generation: what any process kept under the old one is read again. */
  async renew(): Promise<void> {
    try {
      await this.ctx.store.set(this.key, crypto.randomUUID(), GENERATION_TTL_SECONDS);
    } catch (err) {
      this.failed();
      // What other processes kept may be used until their own age limit.
      this.ctx.logger.warn(`${this.label}: storing a new generation failed`, {
        error: (err as Error).message,
      });
    }
  }

  /** A generation nothing was kept under, unless another process stored one first. */
  private async restart(): Promise<void> {
    try {
      await this.ctx.store.setIfAbsent(this.key, crypto.randomUUID(), GENERATION_TTL_SECONDS);
    } catch {
      this.failed();
    }
  }

  private failed(): void {
    this.ctx.metrics.keyStoreErrors.inc({ operation: this.label });
  }
}
