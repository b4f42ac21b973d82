import assert from 'node:assert/strict';
import { retryAfterSecondsOf } from '../../../../src/cloud/azure/armErrors';
import { backoffMs, DEFAULT_RETRY, retryTransient, type Timing } from '../../../../src/cloud/azure/retry';
import { ThrottledError } from '../../../../src/cloud/errors';

/** An SDK-like RestError with a status, an ARM code and response headers. */
function restError(statusCode: number, code: string, headers: Record<string, string> = {}) {
  return Object.assign(new Error(code), {
    statusCode,
    code,
    response: { headers: { get: (name: string) => headers[name.toLowerCase()] } },
  });
}

/** Time that only moves when the code under test sleeps. */
function fakeTiming(random = 0.5): Timing & { slept: number[] } {
  let now = 1_000_000;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    random: () => random,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

describe('Azure retries', () => {
  describe('Retry-After', () => {
    it('reads seconds, and an HTTP date against now', () => {
      const now = Date.parse('2026-01-01T00:00:00Z');
      assert.equal(retryAfterSecondsOf(restError(429, 'x', { 'retry-after': '7' }), now), 7);
      assert.equal(
        retryAfterSecondsOf(restError(429, 'x', { 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }), now),
        30,
      );
      assert.equal(retryAfterSecondsOf(restError(429, 'x', { 'retry-after': 'soon' }), now), undefined);
      assert.equal(retryAfterSecondsOf(restError(429, 'x'), now), undefined);
      assert.equal(retryAfterSecondsOf(new Error('no response'), now), undefined);
    });
  });

  describe('backoffMs', () => {
    const options = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1_000 };

    it('honours Retry-After, and gives up when it is longer than the longest wait', () => {
      assert.equal(
        backoffMs(1, 0.5, options, () => 0.9),
        500,
      );
      assert.equal(
        backoffMs(1, 1, options, () => 0.9),
        1_000,
      );
      assert.equal(
        backoffMs(1, 2, options, () => 0.9),
        undefined,
      );
    });

    it('doubles the ceiling per attempt with full jitter, bounded by the longest wait', () => {
      assert.equal(
        backoffMs(1, undefined, options, () => 1),
        100,
      );
      assert.equal(
        backoffMs(3, undefined, options, () => 1),
        400,
      );
      assert.equal(
        backoffMs(3, undefined, options, () => 0.5),
        200,
      );
      assert.equal(
        backoffMs(10, undefined, options, () => 1),
        1_000,
      );
      assert.equal(
        backoffMs(10, undefined, options, () => 0),
        0,
      );
    });
  });

  describe('retryTransient', () => {
    const options = { ...DEFAULT_RETRY, maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 };

    it('sends the step again after a busy or throttled answer, waiting what the service asked', async () => {
      const timing = fakeTiming();
      const answers = [
        restError(409, 'AnotherOperationInProgress', { 'retry-after': '0.25' }),
        restError(503, 'ServerBusy'),
      ];
      let calls = 0;
      const result = await retryTransient(
        async () => {
          calls++;
          const next = answers.shift();
          if (next) throw next;
          return 'done';
        },
        options,
        timing,
      );
      assert.equal(result, 'done');
      assert.equal(calls, 3);
      assert.deepEqual(timing.slept, [250, 100]);
    });

    it('does not retry what retrying cannot fix', async () => {
      const timing = fakeTiming();
      let calls = 0;
      await assert.rejects(
        retryTransient(
          async () => {
            calls++;
            throw restError(412, 'PreconditionFailed');
          },
          options,
          timing,
        ),
        (e: { statusCode?: number }) => e.statusCode === 412,
      );
      assert.equal(calls, 1);
      assert.deepEqual(timing.slept, []);
    });

    it('stops after the bound and says it was throttled', async () => {
      const timing = fakeTiming();
      let calls = 0;
      await assert.rejects(
        retryTransient(
          async () => {
            calls++;
            throw restError(429, 'TooManyRequests', { 'retry-after': '1' });
          },
          options,
          timing,
        ),
        (e: unknown) => e instanceof ThrottledError && e.retryAfterSeconds === 1,
      );
      assert.equal(calls, 3);
    });

    it('gives up at once when Retry-After is longer than the longest wait', async () => {
      const timing = fakeTiming();
      await assert.rejects(
        retryTransient(
          async () => {
            throw restError(429, 'TooManyRequests', { 'retry-after': '60' });
          },
          options,
          timing,
        ),
        ThrottledError,
      );
      assert.deepEqual(timing.slept, []);
    });
  });
});
