import assert from 'node:assert/strict';
import { grantsOf, policyOf } from '../../../src/engine/jitState';
import { vmKeyOf } from '../../../src/engine/metadata';
import type { Plan } from '../../../src/engine/operations';
import {
  PlanError,
  planDisable,
  planEnable,
  planExtend,
  planRequest,
  planRevoke,
  planSweep,
} from '../../../src/engine/planner';
import { NoFreePriorityError } from '../../../src/engine/priorities';
import { evaluateVm } from '../../../src/engine/evaluator';
import { applyPlan, applyPlanToNetwork, networkOf, worldOf } from '../../../src/engine/simulate';
import {
  accessRequest,
  allow,
  awsVm,
  azureVm,
  dnatRule,
  firewall,
  ingress,
  jitPolicy,
  nsg,
  securityGroup,
} from './builders';

const NOW = Date.UTC(2025, 0, 2, 10, 0, 0);

function ops(plan: Plan): string[] {
  return plan.ops.map((o) => o.kind);
}

describe('planner: Azure', () => {
  const exposed = () =>
    azureVm({ nicNsg: nsg('web-nsg', [allow('AllowSSH', 300, '22'), allow('AllowWeb', 310, '443')]) });

  it('enable puts one deny rule right before the exposing allow, scoped to the VM address', () => {
    const net = exposed();
    const plan = planEnable(net, jitPolicy(net.vm.id, [22, 3389]));
    assert.deepEqual(plan.preview, [
      `Add deny rule 'JitVmAccess-Deny-t-${vmKeyOf(net.vm.id)}-vm1' ` +
        `on NSG 'web-nsg' at priority 299: 22,3389/tcp from any source to 10.0.1.4`,
    ]);
    const op = plan.ops[0];
    assert.ok(op.kind === 'azure.putRule');
    assert.equal(op.rule.access, 'Deny');
    assert.equal(op.rule.destinationAddressPrefix, '10.0.1.4');
    assert.deepEqual(op.rule.destinationPortRanges, ['22', '3389']);
    assert.match(plan.warnings[0], /Rule 'AllowSSH' \(priority 300\) on NSG 'web-nsg' allows a JIT port/);
  });

  it('enable is idempotent: a second enable plans nothing', () => {
    const net = exposed();
    const policy = jitPolicy(net.vm.id);
    const enabled = applyPlanToNetwork(net, planEnable(net, policy));
    assert.deepEqual(planEnable(enabled, policy).ops, []);
    assert.deepEqual(policyOf(enabled), policy);
  });

  it('on a subnet NSG shared by two VMs, enabling one leaves the other reachable', () => {
    const subnet = nsg('subnet-nsg', [allow('AllowSSH', 200, '22')]);
    const a = azureVm({ name: 'a', subnetNsg: subnet, privateIps: ['10.0.1.4'] });
    const b = azureVm({ name: 'b', subnetNsg: subnet, privateIps: ['10.0.1.5'] });
    const plan = planEnable(a, jitPolicy(a.vm.id, [22]));
    const op = plan.ops[0];
    assert.ok(op.kind === 'azure.putRule');
    assert.equal(op.nsgId, subnet.id);
    assert.equal(op.rule.destinationAddressPrefix, '10.0.1.4');
    const world = applyPlan(worldOf([a, b]), plan);
    const ssh = { source: '8.8.8.8', port: 22, protocol: 'tcp' as const };
    assert.equal(evaluateVm(networkOf(world, b.vm.id), ssh)[0].allowed, true);
    assert.equal(evaluateVm(networkOf(world, a.vm.id), ssh)[0].allowed, false);
  });

  it('fails clearly when no priority is free before the exposing allow', () => {
    const net = azureVm({ nicNsg: nsg('tight', [allow('AllowSSH', 100, '22')]) });
    assert.throws(
      () => planEnable(net, jitPolicy(net.vm.id, [22])),
      (e: unknown) =>
        e instanceof NoFreePriorityError &&
        /No free inbound priority in 100-99 on NSG 'tight'.*rule 'AllowSSH' \(priority 100\)/.test(
          e.message,
        ) &&
        /never re-numbers rules it did not create/.test(e.message),
    );
  });

  it('refuses a VM whose interface has no NSG at all, saying what to do', () => {
    const net = azureVm({ firewalls: [firewall('fw')] });
    assert.throws(
      () => planEnable(net, jitPolicy(net.vm.id)),
      /no network security group.*only behind an Azure Firewall.*attach an NSG/,
    );
  });

  it('request adds an allow above the deny, from exactly the source to exactly the VM, and warns about flushConnection', () => {
    const net = azureVm({
      nicNsg: nsg('web-nsg', [allow('AllowSSH', 300, '22')], { flushConnection: true }),
    });
    const enabled = applyPlanToNetwork(net, planEnable(net, jitPolicy(net.vm.id)));
    const { plan, grant } = planRequest(enabled, accessRequest(net.vm.id, { source: '203.0.113.7/32' }), NOW);
    const op = plan.ops[0];
    assert.ok(op.kind === 'azure.putRule');
    assert.equal(op.rule.priority, 100);
    assert.equal(op.rule.sourceAddressPrefix, '203.0.113.7/32');
    assert.equal(op.rule.destinationAddressPrefix, '10.0.1.4');
    assert.equal(op.rule.destinationPortRange, '22');
    assert.match(
      plan.preview[0],
      /^Add allow rule 'JitVmAccess-Grant-[0-9a-f]{8}-t-[0-9a-f]{8}-vm1' on NSG 'web-nsg' at priority 100: 22\/tcp from 203\.0\.113\.7\/32 to 10\.0\.1\.4 until 2025-01-02T11:00:00\.000Z$/,
    );
    assert.match(
      plan.warnings.join('\n'),
      /flushConnection enabled: when this grant expires or is revoked, established connections to VM 'vm1' will be cut/,
    );
    assert.equal(grant.expiresAt, NOW + 3_600_000);
    const after = applyPlanToNetwork(enabled, plan);
    assert.deepEqual(
      grantsOf(after).map((g) => g.id),
      [grant.id],
    );
  });

  it('warns when the source is any address', () => {
    const net = azureVm({ nicNsg: nsg('n') });
    const enabled = applyPlanToNetwork(net, planEnable(net, jitPolicy(net.vm.id)));
    const { plan } = planRequest(enabled, accessRequest(net.vm.id, { source: '*' }), NOW);
    assert.match(plan.warnings.join('\n'), /source is any address/);
  });

  it('refuses requests outside the policy and when JIT is not enabled', () => {
    const net = azureVm({ nicNsg: nsg('n') });
    assert.throws(() => planRequest(net, accessRequest(net.vm.id), NOW), /not enabled on VM 'vm1'/);
    const enabled = applyPlanToNetwork(
      net,
      planEnable(net, jitPolicy(net.vm.id, [{ port: 22, allowedSourcePrefixes: ['10.0.0.0/8'] }])),
    );
    assert.throws(
      () => planRequest(enabled, accessRequest(net.vm.id, { source: '203.0.113.7/32' }), NOW),
      /Source 203\.0\.113\.7\/32 is not allowed/,
    );
    assert.throws(
      () =>
        planRequest(
          enabled,
          accessRequest(net.vm.id, { ports: [{ port: 3389, protocol: 'tcp' }], source: '10.1.2.3/32' }),
          NOW,
        ),
      /Port 3389\/tcp is not in the JIT policy/,
    );
    assert.throws(
      () =>
        planRequest(
          enabled,
          accessRequest(net.vm.id, { source: '10.1.2.3/32', durationMs: 4 * 3_600_000 }),
          NOW,
        ),
      /exceeds the policy maximum/,
    );
  });

  it('a private VM behind a classic firewall gets a DNAT rule and a connect endpoint', () => {
    const fw = firewall('fw', {
      nat: [dnatRule('web', { publicIp: '20.50.60.70', port: '50000' }, { address: '10.0.1.9', port: '80' })],
    });
    const net = azureVm({ nicNsg: nsg('n'), firewalls: [fw] });
    const enabled = applyPlanToNetwork(net, planEnable(net, jitPolicy(net.vm.id)));
    const { plan, grant } = planRequest(enabled, accessRequest(net.vm.id), NOW);
    const dnat = plan.ops.find((o) => o.kind === 'azure.putFirewallNatRule');
    assert.ok(dnat && dnat.kind === 'azure.putFirewallNatRule');
    assert.equal(dnat.collection, 'JitVmAccess-DNAT');
    assert.deepEqual(dnat.rule.sourceAddresses, ['203.0.113.7']);
    assert.equal(dnat.rule.translatedAddress, '10.0.1.4');
    assert.deepEqual(grant.connect, [{ port: 22, host: '20.50.60.70', hostPort: 50001 }]);
    const after = applyPlanToNetwork(enabled, plan);
    assert.deepEqual(grantsOf(after)[0].connect, grant.connect);
    assert.equal(grantsOf(after)[0].rules.length, 2);
    const revoked = applyPlanToNetwork(after, planRevoke(after, grantsOf(after)[0]));
    assert.deepEqual(grantsOf(revoked), []);
  });

  it('extend rewrites the expiry and refuses to go beyond the policy maximum', () => {
    const net = azureVm({ nicNsg: nsg('n') });
    const enabled = applyPlanToNetwork(net, planEnable(net, jitPolicy(net.vm.id)));
    const granted = applyPlanToNetwork(enabled, planRequest(enabled, accessRequest(net.vm.id), NOW).plan);
    const grant = grantsOf(granted)[0];
    const extended = applyPlanToNetwork(granted, planExtend(granted, grant, NOW + 2 * 3_600_000, NOW));
    assert.equal(grantsOf(extended)[0].expiresAt, NOW + 2 * 3_600_000);
    assert.throws(
      () => planExtend(granted, grant, NOW + 4 * 3_600_000, NOW),
      /beyond the policy maximum of 180 minutes/,
    );
  });

  it('disable removes exactly what enable and requests added', () => {
    const net = exposed();
    const enabled = applyPlanToNetwork(net, planEnable(net, jitPolicy(net.vm.id)));
    const granted = applyPlanToNetwork(enabled, planRequest(enabled, accessRequest(net.vm.id), NOW).plan);
    const disabled = applyPlanToNetwork(granted, planDisable(granted));
    assert.deepEqual(disabled.cloud === 'azure' && disabled.nsgs, net.nsgs);
  });

  it('a sweep leaves Defender rules alone', () => {
    const net = azureVm({
      nicNsg: nsg('n', [
        allow('SecurityCenter-JITRule-1234_abcdef', 100, '22', '1.2.3.4', { description: 'ASC JIT' }),
        allow('SecurityCenter-JITRule_1234_abcdef', 4000, '22', '*', { access: 'Deny' }),
      ]),
    });
    assert.deepEqual(planSweep([net], NOW + 1e9).ops, []);
  });
});

describe('planner: AWS', () => {
  it('fails clearly when an interface already has 5 security groups', () => {
    const groups = ['sg-1', 'sg-2', 'sg-3', 'sg-4', 'sg-5'].map((id) => securityGroup(id));
    const net = awsVm({ interfaces: [{ id: 'eni-full', groups }] });
    assert.throws(
      () => planEnable(net, jitPolicy(net.vm.id)),
      (e: unknown) =>
        e instanceof PlanError &&
        e.message ===
          "Interface eni-full already has 5 security groups (the AWS default limit is 5); JIT needs to attach one more. Detach one, or raise the 'Security groups per network interface' quota.",
    );
  });

  it('revokes from a group used only by this instance, keeping the non-JIT ports of a broad rule', () => {
    const own = securityGroup('sg-own', [ingress([0, 1024], '0.0.0.0/0')]);
    const net = awsVm({ groups: [own] });
    const plan = planEnable(net, jitPolicy(net.vm.id, [22]));
    assert.deepEqual(ops(plan), [
      'aws.createGroup',
      'aws.setInterfaceGroups',
      'aws.authorizeIngress',
      'aws.revokeIngress',
    ]);
    const add = plan.ops[2];
    assert.ok(add.kind === 'aws.authorizeIngress');
    assert.deepEqual(
      add.rules.map((r) => [r.fromPort, r.toPort]),
      [
        [0, 21],
        [23, 1024],
      ],
    );
  });

  it('never edits a shared group: this instance gets a copy without the exposing rules', () => {
    const shared = securityGroup('sg-shared', [ingress(22, '0.0.0.0/0'), ingress(443, '0.0.0.0/0')]);
    const net = awsVm({ groups: [shared] });
    net.groupInterfaces['sg-shared'].push('eni-of-another-instance');
    const plan = planEnable(net, jitPolicy(net.vm.id, [22]));
    assert.ok(
      !plan.ops.some(
        (o) =>
          (o.kind === 'aws.revokeIngress' || o.kind === 'aws.authorizeIngress') && o.groupId === 'sg-shared',
      ),
    );
    const copy = plan.ops.find((o) => o.kind === 'aws.authorizeIngress');
    assert.ok(copy && copy.kind === 'aws.authorizeIngress');
    assert.deepEqual(
      copy.rules.map((r) => r.fromPort),
      [443],
    );
    assert.match(plan.warnings.join('\n'), /sg-shared is shared with other instances/);
    const set = plan.ops.find((o) => o.kind === 'aws.setInterfaceGroups');
    assert.deepEqual(set && set.kind === 'aws.setInterfaceGroups' && set.groupIds, [
      { ref: 'copy:sg-shared' },
      { ref: 'jit' },
    ]);
  });

  it('request tags the rule; extend retags; sweep after expiry revokes from metadata alone', () => {
    const net = awsVm({ groups: [securityGroup('sg-own', [ingress(22, '0.0.0.0/0')])] });
    const enabled = applyPlanToNetwork(net, planEnable(net, jitPolicy(net.vm.id)));
    const { plan, grant } = planRequest(enabled, accessRequest(net.vm.id), NOW);
    const op = plan.ops[0];
    assert.ok(op.kind === 'aws.authorizeIngress');
    assert.equal(op.rules[0].cidrIpv4, '203.0.113.7/32');
    assert.equal(op.rules[0].tags?.['jit-vm-access:expires'], '20250102T110000Z');
    const granted = applyPlanToNetwork(enabled, plan);
    const found = grantsOf(granted)[0];
    assert.equal(found.id, grant.id);
    const extended = applyPlanToNetwork(granted, planExtend(granted, found, NOW + 7_200_000, NOW));
    assert.equal(grantsOf(extended)[0].expiresAt, NOW + 7_200_000);
    assert.deepEqual(planSweep([extended], NOW + 3_600_000).ops, []);
    const swept = applyPlanToNetwork(extended, planSweep([extended], NOW + 7_200_000));
    assert.deepEqual(grantsOf(swept), []);
  });

  it('a JIT group created but never attached is removed by the next sweep', () => {
    const net = awsVm({ groups: [securityGroup('sg-own', [ingress(22, '0.0.0.0/0')])] });
    const plan = planEnable(net, jitPolicy(net.vm.id));
    const interrupted = applyPlanToNetwork(net, { ...plan, ops: plan.ops.slice(0, 1) });
    assert.equal(
      Object.keys(interrupted.cloud === 'aws' ? (interrupted.unattachedJitGroups ?? {}) : {}).length,
      1,
    );
    const sweep = planSweep([interrupted], NOW);
    assert.deepEqual(ops(sweep), ['aws.deleteGroup']);
  });
});
