import type { Logger } from './logger';

/**
 * What services announce to the rest of the process once it has happened (after the commit).
 * The chat subscribes when it is attached, so services never import it; with no subscriber
 * (HTTP-only tests, the worker, the command-line tools) an announcement does nothing.
 */
export interface DomainEvents {
  /** The user is no longer an applicant of the group (the application was cancelled). */
  userLeftGroup(groupId: string, userId: string): void;
  /** The account is gone, with every session. */
  userWithdrawn(userId: string): void;
  /** One login session ended (logout): its access and refresh tokens no longer work. */
  sessionEnded(userId: string, sid: string): void;
}

type EventName = keyof DomainEvents;

export class DomainEventHub implements DomainEvents {
  private readonly listeners = new Set<Partial<DomainEvents>>();

  constructor(private readonly logger: Pick<Logger, 'error'>) {}

  /** Adds a listener; the returned function removes it. */
  subscribe(listener: Partial<DomainEvents>): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  userLeftGroup(groupId: string, userId: string): void {
    this.publish('userLeftGroup', (l) => l.userLeftGroup?.(groupId, userId));
  }

  userWithdrawn(userId: string): void {
    this.publish('userWithdrawn', (l) => l.userWithdrawn?.(userId));
  }

  sessionEnded(userId: string, sid: string): void {
    this.publish('sessionEnded', (l) => l.sessionEnded?.(userId, sid));
  }

  /** A failing listener is logged and does not fail the request that announced the event. */
  private publish(event: EventName, call: (listener: Partial<DomainEvents>) => void): void {
    for (const listener of this.listeners) {
      try {
        call(listener);
      } catch (err) {
        this.logger.error('event listener failed', {
          event,
          error: err instanceof Error ? err.message : String(err),
        });
      }
    }
  }
}
