// Token buckets keyed by name (e.g. per subscription and read/write class), refilled continuously.

export interface BucketSpec {
  capacity: number;
  refillPerSecond: number;
}

export interface TakeResult {
  allowed: boolean;
  /** Whole tokens left after this call (what the services report in their headers). */
  remaining: number;
  /** When refused: seconds until one token is available (at least 1, as services round up). */
  retryAfterSeconds: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number) {}

  take(key: string, spec: BucketSpec): TakeResult {
    const now = this.now();
    const b = this.buckets.get(key) ?? { tokens: spec.capacity, updatedAt: now };
    b.tokens = Math.min(spec.capacity, b.tokens + ((now - b.updatedAt) / 1000) * spec.refillPerSecond);
    b.updatedAt = now;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { allowed: true, remaining: Math.floor(b.tokens), retryAfterSeconds: 0 };
    }
    const wait = (1 - b.tokens) / spec.refillPerSecond;
    return { allowed: false, remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil(wait)) };
  }

  reset(): void {
    this.buckets.clear();
  }
}
