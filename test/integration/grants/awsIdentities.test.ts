// Two AWS profiles reach two accounts as two principals. A grant must be recorded under the principal
// that made it (the one of the VM's account, not the first profile's), and the user's grants in every
// account are theirs: timers run for both. The real provider and grant service, over HTTP, against
// the local cloud's demo world (alice in the prod account, dev-alice in the dev account).
import assert from 'node:assert/strict';
import { AwsProvider } from '../../../src/cloud/aws/provider';
import { GrantService } from '../../../src/grants/grantService';
import { FixedIpSource } from '../../../src/grants/myIp';
import { jitPolicy } from '../../unit/engine/builders';
import { startLocalCloudBackend, type AwsBackend } from '../cloud/awsBackends';

const HOUR = 3_600_000;

describe('grants with two AWS profiles in two accounts (local cloud)', function () {
  this.timeout(120_000);
  let backend: AwsBackend;
  let provider: AwsProvider;
  let service: GrantService;
  const grantService = () =>
    new GrantService({
      providers: [provider],
      myIp: new FixedIpSource('198.51.100.7', 'test'),
      settings: { sweepOnStart: false, sweepIntervalMs: 0, expiryTimers: 'mine' },
    });

  before(async () => {
    backend = await startLocalCloudBackend();
    provider = new AwsProvider({
      regions: backend.regions,
      endpoint: backend.endpoint,
      profiles: backend.adminProfiles,
      sharedFiles: backend.sharedFiles,
    });
    service = grantService();
  });
  after(async () => {
    service?.dispose();
    provider?.dispose();
    await backend?.stop();
  });

  it("records each grant under the principal of its VM's account, and tracks both as the user's", async () => {
    const identities = await service.identities('aws');
    assert.equal(identities.length, 2, `one principal per account, got ${identities.join(', ')}`);
    const snapshot = await service.snapshot();
    const byName = (name: string) => {
      const found = snapshot.vms.find((v) => v.vm.name === name);
      assert.ok(found, `${name} is listed`);
      return found.vm;
    };
    const requesters: string[] = [];
    for (const vm of [byName('web-1'), byName('dev-box-1')]) {
      await service.enable(vm.id, jitPolicy(vm.id, [22]));
      const { grant } = await service.request({
        vmId: vm.id,
        ports: [{ port: 22, protocol: 'tcp' }],
        source: { kind: 'myIp' },
        durationMs: HOUR,
      });
      assert.ok(grant, `a grant on ${vm.name}`);
      assert.ok(
        grant.requester.includes(`::${vm.scope.account}:`),
        `${vm.name} (account ${vm.scope.account}) was granted to ${grant.requester}`,
      );
      assert.equal(grant.requester, await service.whoAmI('aws', vm.id));
      requesters.push(grant.requester);
    }
    assert.notEqual(requesters[0], requesters[1], 'two accounts, two principals');
    assert.deepEqual([...requesters].sort(), [...identities].sort());

    // A service started later (an editor opened afterwards) finds both grants and times both as the user's.
    const later = grantService();
    try {
      await later.start();
      assert.deepEqual(
        later
          .trackedGrants()
          .map((g) => g.requester)
          .sort(),
        [...identities].sort(),
      );
    } finally {
      later.dispose();
    }

    for (const grant of await service.list()) await service.revoke(grant);
    for (const name of ['web-1', 'dev-box-1']) await service.disable(byName(name).id);
    assert.deepEqual(await service.list(), []);
  });
});
