// Estate snapshots for the extension's pure modules: real engine networks classified by the real
// classifier, with JIT state layered on where a test needs a JIT-enabled VM.
import { classify } from '../../../src/engine/classifier';
import type { Grant, JitPolicy, VmNetwork } from '../../../src/engine/model';
import type { CloudScope, ScopeFailure } from '../../../src/cloud/provider';
import type { ClassifiedVm, EstateSnapshot } from '../../../src/grants/api';
import { allow, azureVm, awsVm, ingress, jitPolicy, nsg, securityGroup, SUB } from '../engine/builders';

export const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
export const ME = 'alice@example.com';

export function classified(
  network: VmNetwork,
  extra: { policy?: JitPolicy; grants?: Grant[] } = {},
): ClassifiedVm {
  const classification = classify(network);
  if (extra.policy) {
    classification.jit = { enabled: true, by: 'jit-vm-access' };
    classification.status = 'healthy';
  }
  return { vm: network.vm, network, classification, policy: extra.policy, grants: extra.grants ?? [] };
}

/** An Azure VM with 22 open to the Internet through `allow-ssh`. */
export function exposedAzureVm(name = 'web1'): ClassifiedVm {
  return classified(
    azureVm({ name, publicIps: ['20.1.1.1'], nicNsg: nsg('nsg-web', [allow('allow-ssh', 300, '22')]) }),
  );
}

/** An Azure VM whose NSG opens only HTTPS: healthy without JIT. */
export function closedAzureVm(name = 'closed1'): ClassifiedVm {
  return classified(
    azureVm({ name, publicIps: ['20.1.1.3'], nicNsg: nsg('nsg-app', [allow('allow-https', 300, '443')]) }),
  );
}

/** An Azure VM with no NSG and no firewall: JIT does not apply. */
export function bareAzureVm(name = 'bare1'): ClassifiedVm {
  return classified(azureVm({ name }));
}

export function grant(vm: ClassifiedVm, extra: Partial<Grant> = {}): Grant {
  return {
    id: 'g1',
    cloud: vm.vm.cloud,
    vmId: vm.vm.id,
    vmName: vm.vm.name,
    ports: [{ port: 22, protocol: 'tcp' }],
    source: '203.0.113.7/32',
    requester: ME,
    expiresAt: NOW + 30 * 60_000,
    createdAt: NOW - 30 * 60_000,
    rules: [],
    ...extra,
  };
}

/** An Azure VM with JIT on 22 and 3389 and the given grants. */
export function jitAzureVm(name = 'jit1', grants: (vm: ClassifiedVm) => Grant[] = () => []): ClassifiedVm {
  const net = azureVm({ name, publicIps: ['20.1.1.2'], nicNsg: nsg('nsg-jit', []) });
  const vm = classified(net, { policy: jitPolicy(net.vm.id, [22, 3389]) });
  vm.grants = grants(vm);
  return vm;
}

export function exposedAwsVm(
  id = 'i-0aaaaaaaaaaaaaaa1',
  account = '111122223333',
  region = 'us-east-1',
): ClassifiedVm {
  const net = awsVm({
    id,
    name: `aws-${id.slice(-2)}`,
    groups: [securityGroup('sg-open', [ingress(22, '0.0.0.0/0')])],
  });
  net.vm.scope = { account, accountName: 'dev', region };
  net.vm.interfaces[0].publicIps = ['54.1.2.3'];
  return classified(net);
}

export const AZURE_SCOPE: CloudScope = { cloud: 'azure', id: SUB, label: 'Demo subscription' };
export function awsScope(account = '111122223333', region = 'us-east-1', profile = 'dev'): CloudScope {
  return { cloud: 'aws', id: `${account}/${region}`, label: `${profile} (${account}) ${region}` };
}

export function snapshot(
  vms: ClassifiedVm[],
  scopes: CloudScope[],
  failures: ScopeFailure[] = [],
): EstateSnapshot {
  return { vms, scopes, failures, takenAt: NOW };
}
