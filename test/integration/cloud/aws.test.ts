// The AWS provider end to end over real HTTP with the real SDK, against two EC2 backends with the
// same test bodies: the local cloud (demo world) and moto_server (seeded with the same scenario).
// Every check reads the cloud back and judges it with the engine's evaluator and classifier.
import assert from 'node:assert/strict';
import { AwsProvider } from '../../../src/cloud/aws/provider';
import type { AwsProviderOptions } from '../../../src/cloud/aws/options';
import { PartialApplyError, PermissionDeniedError } from '../../../src/cloud/errors';
import { classify } from '../../../src/engine/classifier';
import { foundGrantsOf, grantsOf, jitGroupOf, policyOf } from '../../../src/engine/jitState';
import type { AwsVmNetwork, JitPolicy, SgRule, VmNetwork } from '../../../src/engine/model';
import type { Plan } from '../../../src/engine/operations';
import { sgRuleKey } from '../../../src/engine/ruleFields';
import {
  PlanError,
  planDisable,
  planEnable,
  planExpire,
  planExtend,
  planRequest,
  planRevoke,
  planSweep,
} from '../../../src/engine/planner/index';
import { reachability } from '../../../src/engine/verify';
import { startLocalCloudBackend, startMotoBackend, type AwsBackend } from './awsBackends';

const HOUR = 3_600_000;
const ME = '198.51.100.7/32';
const PROBE_SOURCES = ['8.8.8.8', '198.51.100.7', '198.51.100.8', '192.0.2.10', '10.20.1.50', '2001:db8::1'];
const PROBE_PORTS = [22, 443, 3389, 5985, 5986, 8080, 9100];

/** Names present in both backends with the status the documented AWS decision tree gives them. */
const EXPECTED_STATUS: Record<string, 'healthy' | 'unhealthy'> = {
  'web-1': 'unhealthy', // SSH from 0.0.0.0/0
  'win-admin-1': 'unhealthy', // RDP from ::/0
  'bastion-office': 'healthy', // SSH from the office range only
  'app-1': 'healthy',
  'worker-1': 'unhealthy',
  'worker-2': 'unhealthy',
  'worker-3': 'unhealthy',
  'dual-nic-gateway': 'unhealthy', // WinRM from anywhere on its second interface
  'five-groups': 'healthy',
  'api-east-1': 'unhealthy',
};

/** Reachability of every probe on every address of the VM, as one comparable map. */
function openings(net: VmNetwork): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const source of PROBE_SOURCES)
    for (const port of PROBE_PORTS)
      for (const [target, allowed] of reachability(net, { source, port, protocol: 'tcp' }))
        out[`${source}>${target}:${port}`] = allowed;
  return out;
}

/** A rule as EC2 tells rules apart, plus its description (disable must restore that too). */
function ruleContent(r: SgRule): string {
  return JSON.stringify([sgRuleKey(r), r.description ?? '']);
}

/** What disable must put back exactly: groups per interface and every group's rules by content. */
function shape(net: AwsVmNetwork): unknown {
  return {
    interfaces: net.vm.interfaces.map((n) => [n.id, n.securityGroupIds]),
    groups: Object.values(net.groups)
      .map((g) => [g.id, g.rules.map(ruleContent).sort()])
      .sort(),
    leftovers: Object.keys(net.unattachedJitGroups ?? {}),
  };
}

function policyFor(vmId: string, ports: number[]): JitPolicy {
  return {
    vmId,
    ports: ports.map((port) => ({
      port,
      protocol: 'tcp' as const,
      allowedSourcePrefixes: ['*'],
      maxDurationMs: 3 * HOUR,
    })),
    requireJustification: false,
  };
}

const BACKENDS: [string, () => Promise<AwsBackend>][] = [
  ['local cloud', startLocalCloudBackend],
  ['moto', startMotoBackend],
];

for (const [backendName, start] of BACKENDS) {
  describe(`AWS provider against ${backendName}`, function () {
    this.timeout(120_000);
    let backend: AwsBackend;
    let provider: AwsProvider;
    const ids = new Map<string, string>();
    const id = (name: string) => {
      const found = ids.get(name);
      if (!found) throw new Error(`no instance named ${name}`);
      return found;
    };
    const make = (extra: Partial<AwsProviderOptions> = {}) =>
      new AwsProvider({
        regions: backend.regions,
        endpoint: backend.endpoint,
        profiles: backend.adminProfiles,
        sharedFiles: backend.sharedFiles,
        ...extra,
      });
    const read = async (name: string) => (await provider.readNetwork(id(name))) as AwsVmNetwork;
    const run = (name: string, plan: (net: AwsVmNetwork) => Plan) =>
      provider.execute(id(name), (net) => plan(net as AwsVmNetwork));

    before(async () => {
      backend = await start();
      provider = make();
      const inventory = await provider.inventory();
      for (const item of inventory.items) ids.set(item.vm.name, item.vm.id);
    });
    after(async () => {
      provider?.dispose();
      await backend?.stop();
    });

    it('inventories every profile and region, classified per the AWS decision tree', async () => {
      const inventory = await make().inventory();
      assert.deepEqual(inventory.failures, []);
      assert.equal(inventory.scopes.length, backend.adminProfiles.length * backend.regions.length);
      // One page of each of five Describe calls per scope, plus one GetCallerIdentity per profile.
      assert.equal(inventory.calls, inventory.scopes.length * 5 + backend.adminProfiles.length);
      const byName = new Map(inventory.items.map((i) => [i.vm.name, i]));
      for (const [name, status] of Object.entries(EXPECTED_STATUS)) {
        const item = byName.get(name);
        assert.ok(item, `${name} is listed`);
        assert.equal(classify(item.network).status, status, name);
      }
      const workers = ['worker-1', 'worker-2', 'worker-3'].map((n) => byName.get(n)!.network as AwsVmNetwork);
      const fleet = workers[0].vm.interfaces[0].securityGroupIds![0];
      assert.equal(
        workers[0].groupInterfaces[fleet].length,
        3,
        'the shared group is seen on all three workers',
      );
      assert.equal(byName.get('dual-nic-gateway')!.vm.interfaces.length, 2);
      assert.equal(byName.get('stopped-legacy')!.vm.powerState, 'stopped');
      assert.equal(byName.get('win-admin-1')!.vm.os, 'windows');
    });

    it('without a profile list, uses every profile of the shared files, one scope per account and region', async () => {
      const all = make({ profiles: undefined });
      try {
        const scopes = await all.listScopes();
        // The reader profile is in an account an admin profile already covers: listed once.
        assert.equal(scopes.length, backend.adminProfiles.length * backend.regions.length);
        assert.match(await all.whoAmI(), /^arn:aws:iam::\d{12}:user\//);
      } finally {
        all.dispose();
      }
    });

    /** enable → request → extend → revoke → request → expire → disable, checked at every step. */
    async function cycle(name: string, ports: number[], others: string[]): Promise<void> {
      const original = await read(name);
      const othersBefore = await Promise.all(others.map(async (o) => openings(await read(o))));
      const checkOthers = async (step: string) => {
        const now = await Promise.all(others.map(async (o) => openings(await read(o))));
        others.forEach((o, i) =>
          assert.deepEqual(now[i], othersBefore[i], `${step} changed what reaches ${o}`),
        );
      };
      const addresses = original.vm.interfaces.flatMap((n) =>
        n.privateIps.filter((ip) => !ip.includes(':')).map((ip) => `${n.id}/${ip}`),
      );
      const open = (net: VmNetwork, source: string, port: number) =>
        reachability(net, { source, port, protocol: 'tcp' });

      const enabled = await run(name, (net) => planEnable(net, policyFor(net.vm.id, ports)));
      assert.equal(enabled.attempts, 1);
      assert.ok(policyOf(enabled.after), 'the policy is recorded in the cloud');
      const classified = classify(enabled.after);
      assert.equal(classified.jit.enabled, true);
      assert.equal(classified.status, 'healthy');
      for (const port of ports)
        for (const [target, allowed] of open(enabled.after, '8.8.8.8', port))
          assert.equal(allowed, false, `${port} closed on ${target}`);
      const jit = jitGroupOf(enabled.after as AwsVmNetwork)!.group.id;
      for (const nic of enabled.after.vm.interfaces)
        assert.ok(nic.securityGroupIds!.includes(jit), `JIT group on ${nic.id}`);
      await checkOthers('enable');

      const t0 = Date.now();
      const port = ports[0];
      const request = {
        vmId: id(name),
        ports: [{ port, protocol: 'tcp' as const }],
        source: ME,
        durationMs: HOUR,
        requester: 'alice@example.com',
        justification: 'deploy fix',
      };
      const granted = await run(name, (net) => planRequest(net, request, t0).plan);
      const grant = grantsOf(granted.after)[0];
      assert.ok(grant, 'the grant is found from tags alone');
      assert.equal(grant.requester, 'alice@example.com');
      assert.equal(grant.justification, 'deploy fix');
      assert.equal(grant.expiresAt, Math.floor((t0 + HOUR) / 1000) * 1000);
      const openNow = open(granted.after, '198.51.100.7', port);
      assert.deepEqual([...openNow.keys()].filter((k) => !k.includes(':')).sort(), [...addresses].sort());
      for (const [target, allowed] of openNow)
        if (!target.includes(':')) assert.equal(allowed, true, `open on ${target}`);
      for (const [, allowed] of open(granted.after, '198.51.100.8', port))
        assert.equal(allowed, false, 'only from the requested source');
      await checkOthers('request');

      const extended = await run(name, (net) => planExtend(net, grantsOf(net)[0], t0 + 2 * HOUR, t0));
      assert.equal(grantsOf(extended.after)[0].expiresAt, Math.floor((t0 + 2 * HOUR) / 1000) * 1000);

      const revoked = await run(name, (net) => planRevoke(net, grantsOf(net)[0]));
      assert.deepEqual(grantsOf(revoked.after), []);
      for (const [, allowed] of open(revoked.after, '198.51.100.7', port)) assert.equal(allowed, false);

      await run(name, (net) => planRequest(net, { ...request, durationMs: 10 * 60_000 }, t0).plan);
      const expired = await run(name, (net) => planExpire(net, t0 + 11 * 60_000));
      assert.equal(expired.plan.ops.length, 1, 'the expired grant is found and removed by its tags');
      assert.deepEqual(grantsOf(expired.after), []);
      await checkOthers('expire');

      const disabled = await run(name, (net) => planDisable(net));
      assert.deepEqual(shape(disabled.after as AwsVmNetwork), shape(original), 'disable restores exactly');
      assert.deepEqual(openings(disabled.after), openings(original));
      await checkOthers('disable');
    }

    it('runs the JIT cycle on an instance whose only group is its own', async () => {
      await cycle('api-east-1', [22], []);
    });

    it('never edits a shared group: the instance gets a copy, the other instances keep their access', async () => {
      const fleetBefore = (await read('worker-2')).groups;
      await cycle('worker-1', [22], ['worker-2', 'worker-3']);
      assert.deepEqual((await read('worker-2')).groups, fleetBefore, 'the shared group itself never changed');
    });

    it('handles an instance with two interfaces per interface', async () => {
      await cycle('dual-nic-gateway', [5985, 22], ['app-1', 'five-groups']);
    });

    it('refuses an interface that already has 5 groups, saying why and what to do, and changes nothing', async () => {
      const before = await read('five-groups');
      await assert.rejects(
        run('five-groups', (net) => planEnable(net, policyFor(net.vm.id, [22]))),
        (e: Error) =>
          e instanceof PlanError &&
          /already has 5 security groups/.test(e.message) &&
          /quota/.test(e.message),
      );
      assert.deepEqual(shape(await read('five-groups')), shape(before));
    });

    it('refuses a principal without write rights through DryRun, naming the missing actions, and changes nothing', async () => {
      const before = await read('web-1');
      const reader = make({ profiles: [backend.readerProfile] });
      await backend.enforcePermissions(true);
      try {
        await assert.rejects(
          reader.execute(id('web-1'), (net) => planEnable(net, policyFor(net.vm.id, [22]))),
          (e: Error) =>
            e instanceof PermissionDeniedError &&
            e.missingActions.includes('ec2:CreateSecurityGroup') &&
            e.missingActions.includes('ec2:ModifyNetworkInterfaceAttribute') &&
            /Nothing was changed/.test(e.message),
        );
        assert.ok(reader.calls.byAction.CreateSecurityGroup >= 1, 'the check asked EC2');
      } finally {
        await backend.enforcePermissions(false);
        reader.dispose();
      }
      assert.deepEqual(shape(await read('web-1')), shape(before));
    });

    it('lets the SDK retry throttling and transient failures', async function () {
      if (!backend.faults) this.skip(); // moto never throttles
      const faults = backend.faults!;
      faults.add({
        action: 'DescribeSecurityGroupRules',
        effect: { status: 503, code: 'RequestLimitExceeded', message: 'Request limit exceeded.' },
        times: 2,
      });
      faults.add({
        action: 'CreateSecurityGroup',
        writesOnly: true,
        nth: 2,
        effect: { status: 500, code: 'InternalError' },
      });
      const fresh = make();
      try {
        const enabled = await fresh.execute(id('win-admin-1'), (net) =>
          planEnable(net, policyFor(net.vm.id, [3389])),
        );
        assert.equal(classify(enabled.after).jit.enabled, true);
        // Read and re-read, plus the two throttled attempts the SDK retried.
        assert.equal(fresh.calls.byAction.DescribeSecurityGroupRules, 4);
        // DryRun, the failed attempt and its retry.
        assert.equal(fresh.calls.byAction.CreateSecurityGroup, 3);
      } finally {
        fresh.dispose();
        faults.clear();
      }
      const disabled = await run('win-admin-1', (net) => planDisable(net));
      assert.equal(classify(disabled.after).jit.enabled, false);
    });

    describe('with a fault injected at every write step', function () {
      /** EC2 actions the plan's writes make, in order (DryRun checks of the same actions come first). */
      function writeActions(plan: Plan): string[] {
        return plan.ops.flatMap((op): string[] => {
          switch (op.kind) {
            case 'aws.createGroup':
              return ['CreateSecurityGroup'];
            case 'aws.authorizeIngress':
              return [
                ...new Set(
                  op.rules.map((r) => JSON.stringify([r.isEgress, Object.entries(r.tags ?? {}).sort()])),
                ),
              ].map((k) =>
                JSON.parse(k)[0] ? 'AuthorizeSecurityGroupEgress' : 'AuthorizeSecurityGroupIngress',
              );
            case 'aws.revokeIngress':
              return ['RevokeSecurityGroupIngress'];
            case 'aws.setInterfaceGroups':
              return ['ModifyNetworkInterfaceAttribute'];
            case 'aws.tagResource':
              return ['CreateTags'];
            case 'aws.untagResource':
              return ['DeleteTags'];
            case 'aws.deleteGroup':
              return ['DeleteSecurityGroup'];
            default:
              return [];
          }
        });
      }

      /** After the sweep: JIT fully on (ports closed, JIT group everywhere) or exactly the original. */
      function assertConsistent(
        net: AwsVmNetwork,
        original: AwsVmNetwork,
        ports: number[],
        step: string,
      ): void {
        for (const f of foundGrantsOf(net))
          assert.equal(f.foundParts, f.expectedParts, `${step}: no partial grant`);
        if (!jitGroupOf(net)) {
          assert.deepEqual(shape(net), shape(original), `${step}: restored exactly`);
          return;
        }
        const jit = jitGroupOf(net)!.group.id;
        assert.ok(
          net.vm.interfaces.every((n) => n.securityGroupIds!.includes(jit)),
          `${step}: JIT group on every interface`,
        );
        for (const port of ports)
          for (const [target, allowed] of reachability(net, { source: '8.8.8.8', port, protocol: 'tcp' }))
            assert.equal(allowed, false, `${step}: ${port} closed on ${target}`);
      }

      async function faultEveryStep(
        name: string,
        ports: number[],
        prepare: () => Promise<void>,
        flow: (net: AwsVmNetwork) => Plan,
      ): Promise<number> {
        const faulty = make({ maxAttempts: 2 });
        const original = await read(name);
        let steps = 0;
        try {
          await prepare();
          const actions = writeActions(flow(await read(name)));
          for (let step = 0; step < actions.length; step++) {
            await prepare();
            const action = actions[step];
            const earlier = actions.slice(0, step).filter((a) => a === action).length;
            const dryRuns = actions.filter((a) => a === action).length;
            backend.faults!.add({
              action,
              nth: dryRuns + earlier + 1,
              times: 10,
              effect: { status: 503, code: 'ServiceUnavailable', message: 'injected' },
            });
            const label = `${name} step ${step + 1}/${actions.length} (${action})`;
            try {
              await assert.rejects(
                faulty.execute(id(name), (net) => flow(net as AwsVmNetwork)),
                (e: Error) =>
                  step === 0
                    ? !(e instanceof PartialApplyError)
                    : e instanceof PartialApplyError && e.repairableBySweep,
              );
            } finally {
              backend.faults!.clear();
            }
            const swept = await run(name, (net) => planSweep([net], Date.now()));
            assertConsistent(swept.after as AwsVmNetwork, original, ports, label);
            steps++;
          }
        } finally {
          faulty.dispose();
          const done = await run(name, (net) => planDisable(net));
          assert.deepEqual(
            shape(done.after as AwsVmNetwork),
            shape(original),
            `${name}: restored exactly at the end`,
          );
        }
        return steps;
      }

      const enable = (ports: number[]) => (net: AwsVmNetwork) => planEnable(net, policyFor(net.vm.id, ports));

      before(function () {
        if (!backend.faults) this.skip(); // moto has no fault injection
      });

      it('enable on an instance with its own group (create, attach, revoke)', async () => {
        const disable = async () => void (await run('api-east-1', (net) => planDisable(net)));
        assert.ok((await faultEveryStep('api-east-1', [22], disable, enable([22]))) >= 3);
      });

      it('enable on an instance with a shared group (create, copy, attach)', async () => {
        const disable = async () => void (await run('web-1', (net) => planDisable(net)));
        assert.ok((await faultEveryStep('web-1', [22], disable, enable([22]))) >= 4);
      });

      it('disable (restore groups, re-authorize, delete)', async () => {
        const enabled = async () => void (await run('api-east-1', enable([22])));
        assert.ok((await faultEveryStep('api-east-1', [22], enabled, (net) => planDisable(net))) >= 3);
      });

      it('request, extend and revoke', async () => {
        const name = 'win-admin-1';
        const t0 = Date.now();
        const req = {
          vmId: id(name),
          ports: [{ port: 3389, protocol: 'tcp' as const }],
          source: ME,
          durationMs: HOUR,
          requester: 'alice@example.com',
        };
        const enabledNoGrants = async () => {
          await run(name, enable([3389]));
          for (const g of grantsOf(await read(name))) await run(name, (net) => planRevoke(net, g));
        };
        const withGrant = async () => {
          await enabledNoGrants();
          await run(name, (net) => planRequest(net, req, t0).plan);
        };
        assert.equal(
          await faultEveryStep(name, [3389], enabledNoGrants, (net) => planRequest(net, req, t0).plan),
          1,
        );
        assert.equal(
          await faultEveryStep(name, [3389], withGrant, (net) =>
            planExtend(net, grantsOf(net)[0], t0 + 2 * HOUR, t0),
          ),
          1,
        );
        assert.equal(
          await faultEveryStep(name, [3389], withGrant, (net) => planRevoke(net, grantsOf(net)[0])),
          1,
        );
      });
    });
  });
}
