// Runtime realism knobs shared by the Azure and AWS servers: latency, throttling, LRO timing and
// fault injection. Cloud-neutral: each server describes a call with a CallDescriptor and asks.
import { TokenBuckets, type BucketSpec, type TakeResult } from './tokenBuckets';

export interface RealismOptions {
  /** Fixed delay before answering each call. */
  latencyMs?: number;
  /** Extra uniformly random delay (0..jitterMs) added to latencyMs. */
  jitterMs?: number;
  /** Real token buckets scaled by `scale` (0.01 makes throttling easy to hit); false = never throttle. */
  throttle?: false | { scale: number };
  /** Azure: how long a long-running operation stays InProgress. */
  lroDelayMs?: number;
  /** Azure: value of Retry-After on long-running operations (real: 10 for rules, 3 for NSGs). */
  retryAfterSeconds?: number;
}

export type FaultEffect =
  { status: number; code: string; message?: string; retryAfterSeconds?: number } | 'drop' | 'hang';

export interface FaultRule {
  id?: string;
  cloud?: 'azure' | 'aws';
  /** HTTP method (Azure). */
  method?: string;
  /** Regular expression tested against the URL path (Azure). */
  pathPattern?: string;
  /** EC2 Action name (AWS). */
  action?: string;
  writesOnly?: boolean;
  /** Fail the nth matching call (1-based); default 1. */
  nth?: number;
  /** How many consecutive matching calls fail from nth on; default 1. */
  times?: number;
  effect: FaultEffect;
}

/** What a server knows about a call when it asks for latency, throttling and faults. */
export interface CallDescriptor {
  cloud: 'azure' | 'aws';
  method: string;
  path: string;
  action?: string;
  isWrite: boolean;
}

interface ActiveFault {
  rule: FaultRule & { id: string };
  pattern?: RegExp;
  matched: number;
}

/** Options after defaults; retryAfterSeconds stays optional: absent means the service's real values. */
export type ResolvedRealismOptions = Required<Omit<RealismOptions, 'retryAfterSeconds'>> & {
  retryAfterSeconds?: number;
};

const DEFAULTS: ResolvedRealismOptions = {
  latencyMs: 0,
  jitterMs: 0,
  throttle: false,
  lroDelayMs: 0,
};

export class Realism {
  private opts: ResolvedRealismOptions;
  private faultList: ActiveFault[] = [];
  private nextFaultId = 1;
  private readonly buckets = new TokenBuckets(() => this.now());
  private clockOffsetMs = 0;

  constructor(opts: RealismOptions = {}) {
    this.opts = { ...DEFAULTS, ...stripUndefined(opts) };
  }

  get options(): Readonly<ResolvedRealismOptions> {
    return this.opts;
  }

  set(opts: Partial<RealismOptions>): void {
    const before = this.opts.throttle;
    this.opts = { ...this.opts, ...stripUndefined(opts) };
    if (JSON.stringify(before) !== JSON.stringify(this.opts.throttle)) this.buckets.reset();
  }

  /** The emulator's notion of now (epoch ms), skewable through the admin clock endpoint. */
  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  setClockOffset(offsetMs: number): void {
    this.clockOffsetMs = offsetMs;
  }

  addFault(f: FaultRule): string {
    const id = f.id ?? `fault-${this.nextFaultId++}`;
    this.faultList.push({
      rule: { ...f, id },
      pattern: f.pathPattern ? new RegExp(f.pathPattern, 'i') : undefined,
      matched: 0,
    });
    return id;
  }

  removeFault(id: string): boolean {
    const before = this.faultList.length;
    this.faultList = this.faultList.filter((f) => f.rule.id !== id);
    return this.faultList.length !== before;
  }

  clearFaults(): void {
    this.faultList = [];
  }

  faults(): FaultRule[] {
    return this.faultList.map((f) => ({ ...f.rule }));
  }

  /** Counts the call against every matching fault rule; returns the effect to apply, if any. */
  faultFor(call: CallDescriptor): FaultEffect | undefined {
    let effect: FaultEffect | undefined;
    for (const f of this.faultList) {
      if (!faultMatches(f, call)) continue;
      f.matched++;
      const nth = f.rule.nth ?? 1;
      const times = f.rule.times ?? 1;
      if (effect === undefined && f.matched >= nth && f.matched < nth + times) effect = f.rule.effect;
    }
    return effect;
  }

  /** Resolves after the configured latency plus jitter. */
  async delay(): Promise<void> {
    const ms = this.opts.latencyMs + (this.opts.jitterMs > 0 ? Math.random() * this.opts.jitterMs : 0);
    if (ms > 0) await new Promise((r) => setTimeout(r, ms));
  }

  /**
   * Takes one token from the named bucket (the spec holds the service's real numbers; the
   * throttle scale shrinks them). With throttling off the call is always allowed and the
   * remaining count reported is the full real capacity.
   */
  takeToken(key: string, spec: BucketSpec): TakeResult {
    if (this.opts.throttle === false)
      return { allowed: true, remaining: spec.capacity - 1, retryAfterSeconds: 0 };
    return this.buckets.take(key, scaleSpec(spec, this.opts.throttle.scale));
  }
}

function scaleSpec(spec: BucketSpec, scale: number): BucketSpec {
  return {
    capacity: Math.max(1, Math.round(spec.capacity * scale)),
    refillPerSecond: Math.max(0.001, spec.refillPerSecond * scale),
  };
}

function faultMatches(f: ActiveFault, call: CallDescriptor): boolean {
  const r = f.rule;
  if (r.cloud && r.cloud !== call.cloud) return false;
  if (r.method && r.method.toUpperCase() !== call.method.toUpperCase()) return false;
  if (f.pattern && !f.pattern.test(call.path)) return false;
  if (r.action && r.action !== call.action) return false;
  if (r.writesOnly && !call.isWrite) return false;
  return true;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
