import assert from 'node:assert/strict';
import { GraphQuota, parseResetsAfter } from '../../../../src/cloud/azure/graphQuota';
import type { Timing } from '../../../../src/cloud/azure/retry';

function headers(values: Record<string, string>) {
  return { get: (name: string) => values[name] };
}

describe('Resource Graph user quota', () => {
  it('reads resets-after as hh:mm:ss', () => {
    assert.equal(parseResetsAfter('00:00:05'), 5_000);
    assert.equal(parseResetsAfter('00:01:02.5'), 62_500);
    assert.equal(parseResetsAfter('5s'), undefined);
    assert.equal(parseResetsAfter(undefined), undefined);
  });

  it('holds a query back until the window resets once the service says none are left', async () => {
    let now = 0;
    const slept: number[] = [];
    const timing: Timing = {
      now: () => now,
      random: () => 0,
      sleep: async (ms) => {
        slept.push(ms);
        now += ms;
      },
    };
    const quota = new GraphQuota(timing);
    await quota.acquire();
    await quota.acquire();
    quota.release(headers({ 'x-ms-user-quota-remaining': '1', 'x-ms-user-quota-resets-after': '00:00:05' }));
    // One left, one still in flight: the next query waits for the reset.
    now = 1_000;
    await quota.acquire();
    assert.deepEqual(slept, [4_000]);
    quota.release(headers({ 'x-ms-user-quota-remaining': '14', 'x-ms-user-quota-resets-after': '00:00:05' }));
    quota.release(undefined);
    await quota.acquire();
    assert.deepEqual(slept, [4_000], 'with quota left, no wait');
  });
});
