// Bounded retries with exponential backoff that honours the service's Retry-After.
import { ThrottledError } from '../errors';
import { classifyFailure, codesOf, retryAfterSecondsOf } from './armErrors';

export interface RetryOptions {
  /** Attempts per step on transient failures (busy, throttled, 5xx, dropped connection). Default 5. */
  maxAttempts: number;
  /**
   * Plans per execute: the first and the re-plans after conflicts (412, SecurityRuleConflict). Each
   * round of concurrent writers to one NSG lets at least one through, so this bounds how many may
   * contend at once. Default 12.
   */
  maxPlans: number;
  /** First backoff; doubles each attempt, with jitter. Default 500 ms. */
  baseDelayMs: number;
  /** No single wait is longer; a Retry-After beyond it ends the retries. Default 30 s. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: 5,
  maxPlans: 12,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
};

/** Time and randomness, injectable so the loop's timing is testable. */
export interface Timing {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  random(): number;
}

export const realTiming: Timing = {
  now: () => Date.now(),
  random: () => Math.random(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/**
 * How long to wait before attempt `attempt + 1` (attempt counts from 1): the service's Retry-After
 * when it gave one, else exponential backoff with full jitter. Undefined: give up (Retry-After too long).
 */
export function backoffMs(
  attempt: number,
  retryAfterSeconds: number | undefined,
  options: RetryOptions,
  random: () => number,
): number | undefined {
  if (retryAfterSeconds !== undefined) {
    const ms = retryAfterSeconds * 1000;
    return ms <= options.maxDelayMs ? ms : undefined;
  }
  // Full jitter: writers that collided spread out instead of colliding again in step.
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(random() * ceiling);
}

/** Runs `step`, sending it again on transient failures ('retry' kind) up to the bound. */
export async function retryTransient<T>(
  step: () => Promise<T>,
  options: RetryOptions,
  timing: Timing,
  signal?: AbortSignal,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (classifyFailure(error) !== 'retry') throw error;
      const retryAfter = retryAfterSecondsOf(error, timing.now());
      const wait =
        attempt < options.maxAttempts ? backoffMs(attempt, retryAfter, options, timing.random) : undefined;
      if (wait === undefined) throw asThrottled(error, retryAfter);
      await timing.sleep(wait, signal);
    }
  }
}

/** Throttling (429) or a resource kept busy (409) that outlasted the retries, said plainly; others as they are. */
function asThrottled(error: unknown, retryAfter: number | undefined): unknown {
  const status = (error as { statusCode?: number }).statusCode;
  if (status !== 429 && status !== 409) return error;
  return new ThrottledError(retryAfter, [status, ...codesOf(error)].join(' '));
}
