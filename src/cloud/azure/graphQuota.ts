// Resource Graph's per-user quota (about 15 queries per 5 s): every answer says how many queries are
// left (`x-ms-user-quota-remaining`) and when the window resets (`x-ms-user-quota-resets-after`,
// hh:mm:ss). Pages of several queries run side by side only while the quota allows; when it is used
// up, the next page waits for the reset instead of collecting 429s.
import type { Timing } from './retry';

/** What the service grants before its first answer tells us more. */
const ASSUMED_CAPACITY = 15;

/** `hh:mm:ss` (optionally with fractional seconds) in milliseconds; undefined when not that shape. */
export function parseResetsAfter(value: string | undefined | null): number | undefined {
  const m = /^(\d+):(\d{1,2}):(\d{1,2}(?:\.\d+)?)$/.exec(value?.trim() ?? '');
  if (!m) return undefined;
  return Math.round((Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])) * 1000);
}

export class GraphQuota {
  /** Queries left as of the latest answer, minus the ones sent since. */
  private remaining = ASSUMED_CAPACITY;
  private resetAt = 0;
  private inFlight = 0;

  constructor(private readonly timing: Timing) {}

  /** Waits until a query may be sent without exceeding the quota, and counts it as sent. */
  async acquire(signal?: AbortSignal): Promise<void> {
    while (this.remaining - this.inFlight <= 0) {
      const now = this.timing.now();
      if (now >= this.resetAt) {
        // Past the announced reset (or never told): the window is full again.
        this.remaining = ASSUMED_CAPACITY;
        break;
      }
      await this.timing.sleep(this.resetAt - now, signal);
    }
    this.inFlight++;
  }

  /** Records the answer's quota headers (absent on failures that never reached the service). */
  release(headers?: { get(name: string): string | undefined }): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    const remaining = Number(headers?.get('x-ms-user-quota-remaining'));
    const resetsAfter = parseResetsAfter(headers?.get('x-ms-user-quota-resets-after'));
    if (headers?.get('x-ms-user-quota-remaining') !== undefined && Number.isFinite(remaining))
      this.remaining = remaining;
    if (resetsAfter !== undefined) this.resetAt = this.timing.now() + resetsAfter;
  }
}
