// The Azure provider against the local cloud, through the real SDKs over HTTPS.
import assert from 'node:assert/strict';
import { AzureProvider, RULE_WRITE, staticTokenCredential } from '../../../src/cloud/azure';
import { ConflictError, PermissionDeniedError } from '../../../src/cloud/errors';
import type { ExecuteResult } from '../../../src/cloud/provider';
import { classify } from '../../../src/engine/classifier';
import { grantsOf, policyOf } from '../../../src/engine/jitState';
import type {
  AccessRequest,
  AzureVmNetwork,
  Grant,
  JitPolicy,
  Nsg,
  VmNetwork,
} from '../../../src/engine/model';
import { planDisable, planEnable, planExtend, planRequest, planRevoke } from '../../../src/engine/planner';
import { verifyGrant } from '../../../src/engine/verify';
import { startLocalCloud, type LocalCloud } from '../../../src/localcloud/index';
import { OWNERS, SHARED_VMS, nsgIdOf, providerTestWorld, virtualNetworkTagWorld, vmIdOf } from './azureWorld';

const HOUR = 3_600_000;

function providerFor(
  cloud: LocalCloud,
  principal: string,
  extra: Partial<ConstructorParameters<typeof AzureProvider>[0]> = {},
) {
  const { endpoint, caPem, principals } = cloud.info.azure;
  const p = principals.find((x) => x.name === principal);
  if (!p) throw new Error(`no principal ${principal}`);
  return new AzureProvider({
    credential: staticTokenCredential(p.token),
    endpoint,
    caPem,
    identity: principal,
    lroPollIntervalMs: 5,
    retry: { baseDelayMs: 20, maxDelayMs: 5_000 },
    sdkRetry: { retryDelayInMs: 20, maxRetryDelayInMs: 5_000 },
    ...extra,
  });
}

function policyFor(vmId: string): JitPolicy {
  return {
    vmId,
    ports: [{ port: 22, protocol: 'tcp', allowedSourcePrefixes: ['*'], maxDurationMs: 3 * HOUR }],
    requireJustification: false,
  };
}

function requestFor(vmId: string, requester: string, source = '203.0.113.7/32'): AccessRequest {
  return { vmId, ports: [{ port: 22, protocol: 'tcp' }], source, durationMs: HOUR, requester };
}

function rulesOf(net: VmNetwork): string {
  const azure = net as AzureVmNetwork;
  const nsgs = Object.values(azure.nsgs).map((n: Nsg) =>
    [n.id.toLowerCase(), n.securityRules.map((r) => `${r.name}@${r.priority}`).sort()].join(':'),
  );
  const fws = azure.firewalls.map((f) => JSON.stringify(f.natRuleCollections));
  return [...nsgs.sort(), ...fws].join('\n');
}

/** Request, then: the requested access is open and nothing else changed (the engine's verify). */
async function grant(
  provider: AzureProvider,
  vmId: string,
  requester: string,
): Promise<{ grant: Grant; result: ExecuteResult }> {
  let planned: Grant | undefined;
  const now = Date.now();
  const result = await provider.execute(vmId, (net) => {
    const p = planRequest(net, requestFor(vmId, requester), now);
    planned = p.grant;
    return p.plan;
  });
  assert.ok(planned);
  assert.deepEqual(verifyGrant(result.before, result.after, planned), []);
  const found = grantsOf(result.after).find((g) => g.id === planned!.id);
  assert.ok(found, 'the grant is found again from the cloud');
  return { grant: found, result };
}

describe('Azure provider against the local cloud', function () {
  this.timeout(120_000);

  describe('inventory of the demo world', () => {
    let cloud: LocalCloud;
    before(async () => (cloud = await startLocalCloud({ world: 'demo' })));
    after(() => cloud.stop());

    // The documented decision tree (jit-domain.md §2), VM by VM.
    const expected: Record<string, string> = {
      'web-01': 'unhealthy',
      'web-02': 'unhealthy',
      'app-01': 'unhealthy',
      'app-02': 'unhealthy',
      'legacy-01': 'notApplicable',
      'db-01': 'unhealthy',
      'db-02': 'notApplicable',
      'jump-01': 'healthy',
      'build-01': 'unhealthy',
      'win-dev-01': 'unhealthy',
      'test-01': 'unhealthy',
    };

    it('classifies every VM from Resource Graph in six calls (subscriptions + five queries), as the per-subscription listing does', async () => {
      const graph = await providerFor(cloud, 'alice', { inventorySource: 'resourceGraph' }).inventory();
      const listing = await providerFor(cloud, 'alice', { inventorySource: 'listing' }).inventory();
      const statuses = (items: typeof graph.items) =>
        Object.fromEntries(items.map((i) => [i.vm.name, classify(i.network).status]));
      assert.deepEqual(statuses(graph.items), expected);
      assert.deepEqual(statuses(listing.items), expected);
      assert.equal(graph.failures.length, 0);
      // listScopes (1) + one page each of VMs, NSGs, VNets, firewalls, public IPs.
      assert.equal(graph.calls, 6);
      const prefixes = (items: typeof graph.items) =>
        Object.fromEntries(items.map((i) => [i.vm.name, i.vm.interfaces.map((n) => n.vnetAddressPrefixes)]));
      assert.deepEqual(prefixes(graph.items), prefixes(listing.items));
      assert.ok(listing.calls > graph.calls);
      const db01 = graph.items.find((i) => i.vm.name === 'db-01')!.network as AzureVmNetwork;
      assert.deepEqual(
        db01.firewalls.map((f) => [f.name, f.publicIps]),
        [['fw-prod-classic', ['203.0.113.40']]],
      );
      const build01 = graph.items.find((i) => i.vm.name === 'build-01')!;
      assert.equal(build01.vm.powerState, 'deallocated');
    });

    it('falls back to listing each subscription when Resource Graph is forbidden', async () => {
      cloud.realism.addFault({
        pathPattern: 'Microsoft\\.ResourceGraph',
        times: 1000,
        effect: { status: 403, code: 'AuthorizationFailed', message: 'not allowed' },
      });
      try {
        const inv = await providerFor(cloud, 'alice').inventory();
        assert.deepEqual(
          Object.fromEntries(inv.items.map((i) => [i.vm.name, classify(i.network).status])),
          expected,
        );
        const nsgReads = cloud.traffic.entries().filter((e) => /networkSecurityGroups\/[^/]+$/i.test(e.path));
        assert.equal(nsgReads.length, 0, 'NSGs come from one list per subscription, never one read per VM');
      } finally {
        cloud.realism.clearFaults();
      }
    });
  });

  describe('the VirtualNetwork service tag', () => {
    let cloud: LocalCloud;
    before(async () => (cloud = await startLocalCloud({ world: virtualNetworkTagWorld() })));
    after(() => cloud.stop());

    it('classifies a VM exposed through a VirtualNetwork-tag rule the same from Resource Graph and from listing', async () => {
      const graph = await providerFor(cloud, 'alice', { inventorySource: 'resourceGraph' }).inventory();
      const listing = await providerFor(cloud, 'alice', { inventorySource: 'listing' }).inventory();
      const results = (items: typeof graph.items) =>
        Object.fromEntries(items.map((i) => [i.vm.name, classify(i.network)]));
      const fromGraph = results(graph.items);
      assert.deepEqual(fromGraph, results(listing.items));
      // The public address space is what opens SSH to Internet sources: the tag was resolved.
      assert.notDeepEqual(fromGraph['vm-vnet-public'], fromGraph['vm-vnet-private']);
      const nic = graph.items.find((i) => i.vm.name === 'vm-vnet-public')!.vm.interfaces[0];
      assert.deepEqual(nic.vnetAddressPrefixes, ['20.50.0.0/16']);
    });
  });

  describe('JIT lifecycle', () => {
    let cloud: LocalCloud;
    before(async () => (cloud = await startLocalCloud({ world: providerTestWorld() })));
    after(() => cloud.stop());

    for (const name of ['vm-nic', 'vm-subnet', 'vm-both', 'vm-fw']) {
      it(`enable -> request -> extend -> revoke -> disable on ${name}`, async () => {
        const provider = providerFor(cloud, 'owner01');
        const vmId = vmIdOf(name);
        const initial = await provider.readNetwork(vmId);

        const enabled = await provider.execute(vmId, (net) => planEnable(net, policyFor(vmId)));
        assert.ok(enabled.plan.ops.length > 0);
        assert.ok(policyOf(enabled.after), 'the policy is read back from the cloud');
        assert.equal(classify(enabled.after).jit.enabled, true);

        const { grant: g, result } = await grant(provider, vmId, 'owner01');
        assert.equal(result.attempts, 1);
        if (name === 'vm-fw') {
          assert.equal(g.connect?.[0]?.host, '203.0.113.60', 'the user is told the firewall address');
          assert.equal(g.connect?.[0]?.port, 22);
        }

        const now = Date.now();
        const extended = await provider.execute(vmId, (net) => planExtend(net, g, now + 2 * HOUR, now));
        const after = grantsOf(extended.after).find((x) => x.id === g.id);
        assert.ok(after && after.expiresAt > g.expiresAt, 'the expiry moved');

        const revoked = await provider.execute(vmId, (net) => planRevoke(net, after!));
        assert.equal(grantsOf(revoked.after).length, 0);

        const disabled = await provider.execute(vmId, (net) => planDisable(net));
        assert.equal(policyOf(disabled.after), undefined);
        assert.equal(rulesOf(disabled.after), rulesOf(initial), 'disable restores exactly the prior rules');
      });
    }

    it('refuses a Reader before any write, naming the missing action', async () => {
      const vmId = vmIdOf('vm-nic');
      const before = cloud.traffic.writes().length;
      await assert.rejects(
        providerFor(cloud, 'reader').execute(vmId, (net) => planEnable(net, policyFor(vmId))),
        (e: unknown) =>
          e instanceof PermissionDeniedError &&
          e.missingActions.includes(RULE_WRITE) &&
          /vm-nic-nsg/.test(e.message),
      );
      assert.equal(cloud.traffic.writes().length, before, 'nothing was sent for writing');
    });

    it("verifies a request from the writes' own answers: no read after the first write but the LRO final GETs", async () => {
      const vmId = vmIdOf('vm-both');
      const provider = providerFor(cloud, 'owner05');
      await provider.execute(vmId, (net) => planEnable(net, policyFor(vmId)));
      const since = cloud.traffic.entries().length;
      const { grant: g, result } = await grant(provider, vmId, 'owner05');
      const served = cloud.traffic.entries().slice(since);
      const firstWrite = served.findIndex((e) => e.method !== 'GET');
      const puts = served.filter((e) => e.method === 'PUT').map((e) => e.path.toLowerCase());
      assert.equal(puts.length, result.plan.ops.length);
      const readsAfter = served
        .slice(firstWrite)
        .filter((e) => e.method === 'GET' && !/\/operations\//i.test(e.path));
      assert.deepEqual(
        readsAfter.map((e) => e.path.toLowerCase()),
        puts,
        "after the writes, only the SDK's final GET of each rule written",
      );
      await provider.execute(vmId, (net) => planRevoke(net, g));
      await provider.execute(vmId, (net) => planDisable(net));
    });

    it('re-reads the written NSGs to verify when a write had to be sent again', async () => {
      const vmId = vmIdOf('vm-both');
      const provider = providerFor(cloud, 'owner06');
      await provider.execute(vmId, (net) => planEnable(net, policyFor(vmId)));
      cloud.realism.addFault({
        method: 'PUT',
        pathPattern: 'securityRules',
        effect: { status: 409, code: 'AnotherOperationInProgress', retryAfterSeconds: 0 },
      });
      try {
        const since = cloud.traffic.entries().length;
        const { grant: g } = await grant(provider, vmId, 'owner06');
        const nsgReadsAfterWrites = cloud.traffic
          .entries()
          .slice(since)
          .filter((_e, i, all) => i > all.findIndex((x) => x.method === 'PUT'))
          .filter((e) => e.method === 'GET' && /networkSecurityGroups\/[^/]+$/i.test(e.path));
        assert.ok(nsgReadsAfterWrites.length > 0, 'the NSGs written were read again');
        await provider.execute(vmId, (net) => planRevoke(net, g));
      } finally {
        cloud.realism.clearFaults();
      }
      await provider.execute(vmId, (net) => planDisable(net));
    });

    it('grants 20 concurrent requests from different principals on VMs sharing one NSG', async () => {
      const shared = nsgIdOf('nsg-snet-shared');
      for (let i = 0; i < SHARED_VMS; i++) {
        const vmId = vmIdOf(`vm-shared-${i}`);
        await providerFor(cloud, OWNERS[i]).execute(vmId, (net) => planEnable(net, policyFor(vmId)));
      }
      const results = await Promise.all(
        OWNERS.map((owner, i) => grant(providerFor(cloud, owner), vmIdOf(`vm-shared-${i}`), owner)),
      );
      assert.equal(results.length, SHARED_VMS);
      const nsg = (await providerFor(cloud, 'owner01').readNetwork(vmIdOf('vm-shared-0'))) as AzureVmNetwork;
      const rules = Object.values(nsg.nsgs).find(
        (n) => n.id.toLowerCase() === shared.toLowerCase(),
      )!.securityRules;
      for (const { grant: g } of results) {
        assert.ok(
          rules.some((r) => r.name.includes(g.id)),
          `rule of grant ${g.id} is still there`,
        );
      }
      const priorities = rules.filter((r) => r.direction === 'Inbound').map((r) => r.priority);
      assert.equal(new Set(priorities).size, priorities.length, 'priorities are unique');
      const conflicts = results.filter((r) => r.result.attempts > 1).length;
      console.log(`      20 concurrent grants: ${conflicts} re-planned after a conflict`);
    });

    it('completes a request in a throttled world', async () => {
      cloud.realism.set({ throttle: { scale: 0.1 } });
      try {
        const vmId = vmIdOf('vm-both');
        const provider = providerFor(cloud, 'owner02', {
          retry: { baseDelayMs: 50, maxDelayMs: 5_000, maxAttempts: 8 },
        });
        await provider.execute(vmId, (net) => planEnable(net, policyFor(vmId)));
        const { grant: g } = await grant(provider, vmId, 'owner02');
        await provider.execute(vmId, (net) => planRevoke(net, g));
        await provider.execute(vmId, (net) => planDisable(net));
        const throttled = cloud.traffic.entries().filter((e) => e.status === 429).length;
        assert.ok(throttled > 0, 'the world did throttle');
      } finally {
        cloud.realism.set({ throttle: false });
      }
    });

    const faults = [
      { status: 500, code: 'InternalServerError' },
      { status: 409, code: 'AnotherOperationInProgress', retryAfterSeconds: 0 },
      { status: 429, code: 'RetryableErrorDueToAnotherOperation', retryAfterSeconds: 0 },
    ];
    for (const effect of faults) {
      it(`recovers when each write step fails once with ${effect.status} ${effect.code}`, async () => {
        const vmId = vmIdOf('vm-both');
        const provider = providerFor(cloud, 'owner03');
        // Count the write steps of the enable + request + revoke + disable cycle without faults.
        cloud.traffic.clear();
        await cycle(provider, vmId);
        const steps = cloud.traffic.writes().length;
        assert.ok(steps >= 4);
        for (let nth = 1; nth <= steps; nth++) {
          cloud.realism.clearFaults();
          cloud.realism.addFault({ writesOnly: true, nth, effect });
          const initial = await provider.readNetwork(vmId);
          await cycle(provider, vmId);
          const final = await provider.readNetwork(vmId);
          assert.equal(
            rulesOf(final),
            rulesOf(initial),
            `write ${nth} failing once left the rules as they were`,
          );
        }
        cloud.realism.clearFaults();
      });
    }

    it('re-reads and re-plans when a rule PUT conflicts, and says so when conflicts persist', async () => {
      const vmId = vmIdOf('vm-nic');
      const provider = providerFor(cloud, 'owner04');
      await provider.execute(vmId, (net) => planEnable(net, policyFor(vmId)));
      cloud.realism.addFault({
        method: 'PUT',
        pathPattern: 'securityRules',
        effect: {
          status: 400,
          code: 'SecurityRuleConflict',
          message: 'Security rule A conflicts with rule B.',
        },
      });
      const { result } = await grant(provider, vmId, 'owner04');
      assert.equal(result.attempts, 2);
      cloud.realism.addFault({
        method: 'PUT',
        pathPattern: 'securityRules',
        times: 100,
        effect: { status: 412, code: 'PreconditionFailed' },
      });
      const before = await provider.readNetwork(vmId);
      const impatient = providerFor(cloud, 'owner04', { retry: { maxPlans: 3, baseDelayMs: 10 } });
      await assert.rejects(
        impatient.execute(
          vmId,
          (net) => planRequest(net, requestFor(vmId, 'owner04', '198.51.100.9/32'), Date.now()).plan,
        ),
        (e: unknown) => e instanceof ConflictError && e.attempts === 3,
      );
      cloud.realism.clearFaults();
      assert.equal(rulesOf(await provider.readNetwork(vmId)), rulesOf(before), 'nothing is half-applied');
      await provider.execute(vmId, (net) => planDisable(net));
    });
  });
});

/** enable -> request -> revoke -> disable. */
async function cycle(provider: AzureProvider, vmId: string): Promise<void> {
  await provider.execute(vmId, (net) => planEnable(net, policyFor(vmId)));
  const { grant: g } = await grant(provider, vmId, 'owner03');
  await provider.execute(vmId, (net) => planRevoke(net, g));
  await provider.execute(vmId, (net) => planDisable(net));
}
