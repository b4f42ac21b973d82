// Timer-driven expiry end to end, in process: the real local cloud, the real providers over HTTP, the
// real grant service; only the wall clock is a test double, so hours pass in milliseconds and a laptop
// can "sleep" through an expiry.
import assert from 'node:assert/strict';
import type { GrantEvent } from '../../../src/grants/api';
import { GrantService } from '../../../src/grants/grantService';
import { connectLocalCloud, type LocalConnection } from '../../../src/grants/localConnection';
import { startLocalCloud, type LocalCloud } from '../../../src/localcloud/index';
import { assertGrantSources, storedGrantRules, waitFor } from '../cli/cloudState';
import { ManualClock } from '../../unit/grants/manualClock';

const MINUTE = 60_000;
const MY_IP = '203.0.113.10/32';

describe('grant expiry timers against the local cloud', function () {
  this.timeout(60_000);
  let cloud: LocalCloud;
  let connection: LocalConnection;
  let clock: ManualClock;
  let service: GrantService;
  let events: GrantEvent[];
  let vmId: string;

  before(async () => {
    cloud = await startLocalCloud({ world: 'demo' });
    connection = connectLocalCloud(cloud.info, { clouds: ['azure'] });
    const setup = new GrantService({ providers: connection.providers, myIp: connection.myIp });
    const vm = (await setup.snapshot()).vms.find((v) => v.vm.name === 'web-01')!;
    vmId = vm.vm.id;
    await setup.enable(vmId, {
      vmId,
      requireJustification: false,
      ports: [{ port: 22, protocol: 'tcp', allowedSourcePrefixes: ['*'], maxDurationMs: 3 * 60 * MINUTE }],
    });
    setup.dispose();
  });
  beforeEach(() => {
    clock = new ManualClock(Date.now());
    service = new GrantService({
      providers: connection.providers,
      myIp: connection.myIp,
      clock,
      settings: { sweepOnStart: false, sweepIntervalMs: 0, expiryTimers: 'mine', expiringSoonMs: 5 * MINUTE },
    });
    events = [];
    service.onEvent((e) => events.push(e));
  });
  afterEach(() => service.dispose());
  after(async () => {
    connection?.dispose();
    await cloud?.stop();
  });

  const request = async (durationMs: number) => {
    const { grant } = await service.request({
      vmId,
      ports: [{ port: 22, protocol: 'tcp' }],
      source: { kind: 'myIp' },
      durationMs,
    });
    assert.equal(assertGrantSources(cloud, MY_IP).length, 2, 'two grant rules (subnet and NIC NSG)');
    return grant;
  };
  const revokedEvent = () => events.find((e) => e.type === 'revoked');

  it('warns before expiry, then removes the rules on time with a revoked/expired event', async () => {
    const grant = await request(30 * MINUTE);
    assert.deepEqual(
      service.trackedGrants().map((g) => g.id),
      [grant.id],
    );

    clock.advance(24 * MINUTE);
    assert.equal(events.filter((e) => e.type === 'expiring').length, 0, 'no warning 6 min before');
    clock.advance(2 * MINUTE);
    const warning = events.find((e) => e.type === 'expiring');
    assert.ok(warning && warning.type === 'expiring' && warning.msLeft <= 5 * MINUTE);
    assert.equal(storedGrantRules(cloud).length, 2, 'still there 4 min before expiry');

    clock.advance(4 * MINUTE - 1000);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(storedGrantRules(cloud).length, 2, 'still there 1 s before expiry');
    assert.equal(revokedEvent(), undefined);

    clock.advance(1000);
    await waitFor('the expiry timer to remove the rules', () => storedGrantRules(cloud).length === 0, 10_000);
    await waitFor('the revoked event', () => revokedEvent() !== undefined, 5000);
    const revoked = revokedEvent()!;
    assert.ok(revoked.type === 'revoked' && revoked.reason === 'expired' && revoked.grant.id === grant.id);
    assert.deepEqual(service.trackedGrants(), []);
  });

  it('a laptop that slept through the expiry removes the grant within a minute of waking', async () => {
    const grant = await request(10 * MINUTE);
    clock.advance(2 * MINUTE);
    // Asleep for three hours: no timer ran, the wall clock moved on.
    clock.jump(3 * 60 * MINUTE);
    assert.equal(storedGrantRules(cloud).length, 2, 'nothing happens while asleep');

    // Awake: within the scheduler's longest sleep (60 s), not the 8 min a naive timer still waits.
    clock.advance(MINUTE);
    await waitFor('the woken timer to remove the rules', () => storedGrantRules(cloud).length === 0, 10_000);
    await waitFor('the revoked event', () => revokedEvent() !== undefined, 5000);
    const revoked = revokedEvent()!;
    assert.ok(revoked.type === 'revoked' && revoked.reason === 'expired' && revoked.grant.id === grant.id);
  });
});
