// Time as a dependency: the grant service and its expiry timers read "now" and schedule wake-ups only
// through a Clock, so tests drive time explicitly and a laptop waking from sleep is just a jump in now().

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Wall-clock epoch milliseconds. */
  now(): number;
  /** Calls `fn` after roughly `ms` milliseconds (timers can fire late, e.g. after sleep). */
  setTimer(fn: () => void, ms: number): TimerHandle;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const t = setTimeout(fn, Math.max(0, ms));
    // A pending expiry timer must not keep a CLI process alive on its own.
    t.unref?.();
    return { cancel: () => clearTimeout(t) };
  },
};
