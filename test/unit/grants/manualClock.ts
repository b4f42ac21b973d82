// A clock moved by hand for tests of timers and expiry.
import type { Clock, TimerHandle } from '../../../src/grants/clock';

/** A clock moved by hand: timers fire (in due order) only when advance() or jump() passes their time. */
export class ManualClock implements Clock {
  private timers: { at: number; fn: () => void; seq: number; cancelled: boolean }[] = [];
  private seq = 0;

  constructor(private current = Date.UTC(2025, 0, 1)) {}

  now(): number {
    return this.current;
  }

  setTimer(fn: () => void, ms: number): TimerHandle {
    const timer = { at: this.current + Math.max(0, ms), fn, seq: this.seq++, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => void (timer.cancelled = true) };
  }

  /** Moves time forward, firing due timers one by one (a timer may schedule another). */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const due = this.timers
        .filter((t) => !t.cancelled && t.at <= target)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.current = Math.max(this.current, due.at);
      due.fn();
    }
    this.current = target;
  }

  /**
   * Changes the wall clock without firing anything, like a machine waking from sleep: pending timers
   * still wait their own (monotonic) delay. `advance(0)` afterwards fires whatever is now due.
   */
  jump(ms: number): void {
    this.current += ms;
    for (const t of this.timers) t.at += ms;
  }

  pendingTimers(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }
}
