import assert from 'node:assert/strict';
import type { Grant } from '../../../src/engine/model';
import { ExpiryScheduler } from '../../../src/grants/expiryScheduler';
import { ManualClock } from './manualClock';

const MIN = 60_000;

function grant(id: string, expiresAt: number): Grant {
  return {
    id,
    cloud: 'azure',
    vmId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1',
    vmName: 'vm1',
    ports: [{ port: 22, protocol: 'tcp' }],
    source: '203.0.113.7/32',
    requester: 'alice',
    expiresAt,
    rules: [],
  };
}

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe('ExpiryScheduler', () => {
  let clock: ManualClock;
  let expired: string[];
  let expiring: [string, number][];
  let failNext: boolean;
  let scheduler: ExpiryScheduler;

  beforeEach(() => {
    clock = new ManualClock();
    expired = [];
    expiring = [];
    failNext = false;
    scheduler = new ExpiryScheduler({
      clock,
      expiringSoonMs: 5 * MIN,
      onExpired: async (g) => {
        if (failNext) {
          failNext = false;
          throw new Error('cloud down');
        }
        expired.push(g.id);
      },
      onExpiring: (g, msLeft) => expiring.push([g.id, msLeft]),
    });
  });

  afterEach(() => scheduler.dispose());

  it('removes a grant exactly when it expires, not before', async () => {
    scheduler.track(grant('g1', clock.now() + 30 * MIN));
    clock.advance(30 * MIN - 1);
    await flush();
    assert.deepEqual(expired, []);
    clock.advance(1);
    await flush();
    assert.deepEqual(expired, ['g1']);
    assert.equal(scheduler.tracked().length, 0);
  });

  it('never sleeps longer than a minute between wall-clock checks', () => {
    scheduler.track(grant('g1', clock.now() + 3 * 3_600_000));
    for (let i = 0; i < 10; i++) {
      assert.equal(clock.pendingTimers(), 1);
      clock.advance(MIN);
    }
    assert.deepEqual(expired, []);
  });

  it('expires within a minute of waking when the machine slept through the expiry', async () => {
    scheduler.track(grant('g1', clock.now() + 10 * MIN));
    clock.advance(2 * MIN);
    clock.jump(3 * 3_600_000); // asleep: the wall clock moves, timers do not fire
    await flush();
    assert.deepEqual(expired, []);
    clock.advance(MIN);
    await flush();
    assert.deepEqual(expired, ['g1']);
  });

  it('warns once when the grant is about to expire', async () => {
    scheduler.track(grant('g1', clock.now() + 20 * MIN));
    clock.advance(15 * MIN);
    assert.deepEqual(expiring, [['g1', 5 * MIN]]);
    clock.advance(4 * MIN);
    assert.equal(expiring.length, 1);
  });

  it('restarts the countdown when a grant is extended in place', async () => {
    const start = clock.now();
    scheduler.track(grant('g1', start + 10 * MIN));
    clock.advance(5 * MIN);
    scheduler.track(grant('g1', start + 60 * MIN));
    clock.advance(10 * MIN);
    await flush();
    assert.deepEqual(expired, []);
    assert.equal(scheduler.tracked()[0].expiresAt, start + 60 * MIN);
  });

  it('retries a failed removal later instead of forgetting the grant', async () => {
    failNext = true;
    scheduler.track(grant('g1', clock.now() + MIN));
    clock.advance(MIN);
    await flush();
    assert.deepEqual(expired, []);
    assert.equal(scheduler.tracked().length, 1);
    clock.advance(30_000);
    await flush();
    assert.deepEqual(expired, ['g1']);
  });

  it('untrack stops the timer', async () => {
    scheduler.track(grant('g1', clock.now() + MIN));
    scheduler.untrack(grant('g1', 0));
    clock.advance(2 * MIN);
    await flush();
    assert.deepEqual(expired, []);
    assert.equal(clock.pendingTimers(), 0);
  });

  it('removes an already expired grant at once', async () => {
    scheduler.track(grant('g1', clock.now() - 1));
    await flush();
    assert.deepEqual(expired, ['g1']);
  });
});
