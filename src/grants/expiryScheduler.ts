// One timer per grant. Timers never sleep longer than `maxSleepMs` and re-read the wall clock when they
// wake: a laptop that slept through an expiry removes the grant within a minute of waking instead of
// whenever a long monotonic timer would have fired. The cloud-side metadata plus the sweep cover the
// case where no process was running at all.
import type { Grant } from '../engine/model';
import type { Clock, TimerHandle } from './clock';

export interface ExpirySchedulerOptions {
  clock: Clock;
  /** Called once when a grant is due; a rejection re-arms the grant for another try after `retryMs`. */
  onExpired(grant: Grant): Promise<void>;
  /** Called once per grant when less than `expiringSoonMs` is left. */
  onExpiring?(grant: Grant, msLeft: number): void;
  /** Longest sleep between wall-clock checks; default 60 s. */
  maxSleepMs?: number;
  /** Default 5 minutes; 0 disables the warning. */
  expiringSoonMs?: number;
  /** Delay before retrying a failed removal; default 30 s. */
  retryMs?: number;
}

interface Entry {
  grant: Grant;
  timer?: TimerHandle;
  warned: boolean;
  removing: boolean;
}

export function grantKey(grant: Pick<Grant, 'cloud' | 'vmId' | 'id'>): string {
  return `${grant.cloud}|${grant.vmId.toLowerCase()}|${grant.id}`;
}

export class ExpiryScheduler {
  private readonly entries = new Map<string, Entry>();
  private readonly maxSleepMs: number;
  private readonly expiringSoonMs: number;
  private readonly retryMs: number;
  private disposed = false;

  constructor(private readonly options: ExpirySchedulerOptions) {
    this.maxSleepMs = options.maxSleepMs ?? 60_000;
    this.expiringSoonMs = options.expiringSoonMs ?? 5 * 60_000;
    this.retryMs = options.retryMs ?? 30_000;
  }

  /** Starts (or, for a grant extended in place, restarts) the timer for a grant. */
  track(grant: Grant): void {
    if (this.disposed) return;
    const key = grantKey(grant);
    const previous = this.entries.get(key);
    previous?.timer?.cancel();
    const entry: Entry = {
      grant,
      warned: previous !== undefined && previous.grant.expiresAt === grant.expiresAt && previous.warned,
      removing: false,
    };
    this.entries.set(key, entry);
    this.wake(key, entry);
  }

  untrack(grant: Pick<Grant, 'cloud' | 'vmId' | 'id'>): void {
    const key = grantKey(grant);
    this.entries.get(key)?.timer?.cancel();
    this.entries.delete(key);
  }

  tracked(): Grant[] {
    return [...this.entries.values()].map((e) => e.grant);
  }

  dispose(): void {
    this.disposed = true;
    for (const e of this.entries.values()) e.timer?.cancel();
    this.entries.clear();
  }

  private wake(key: string, entry: Entry): void {
    if (this.entries.get(key) !== entry || entry.removing) return;
    const now = this.options.clock.now();
    const msLeft = entry.grant.expiresAt - now;
    if (msLeft <= 0) {
      this.expire(key, entry);
      return;
    }
    if (!entry.warned && this.expiringSoonMs > 0 && msLeft <= this.expiringSoonMs) {
      entry.warned = true;
      this.options.onExpiring?.(entry.grant, msLeft);
    }
    const untilWarning = entry.warned || this.expiringSoonMs <= 0 ? Infinity : msLeft - this.expiringSoonMs;
    const sleep = Math.min(msLeft, untilWarning, this.maxSleepMs);
    entry.timer = this.options.clock.setTimer(() => this.wake(key, entry), sleep);
  }

  private expire(key: string, entry: Entry): void {
    entry.removing = true;
    this.options.onExpired(entry.grant).then(
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
      () => {
        if (this.entries.get(key) !== entry || this.disposed) return;
        entry.removing = false;
        entry.timer = this.options.clock.setTimer(() => this.wake(key, entry), this.retryMs);
      },
    );
  }
}
