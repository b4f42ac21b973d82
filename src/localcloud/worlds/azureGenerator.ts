// Large generated Azure worlds for benchmarks: N subscriptions x M VMs, each VM with its own NIC NSG,
// VMs grouped 20 to a subnet behind a shared subnet NSG. Deterministic apart from ids/tokens.
import { AzureWorldBuilder, type Location } from '../azure/worldBuilder';
import type { AzureWorldState } from '../azure/worldState';

export interface GenerateOptions {
  subscriptions: number;
  vmsPerSubscription: number;
}

const VMS_PER_SUBNET = 20;

export function generateAzureWorld(opts: GenerateOptions): AzureWorldState {
  const b = new AzureWorldBuilder();
  b.principal('alice', 'Owner', ['*']);
  b.principal('bob', 'Owner', ['*']);
  b.principal('reader', 'Reader', ['*/read']);
  for (let s = 0; s < opts.subscriptions; s++) {
    const sub = `00000000-0000-4000-8000-${String(s + 1).padStart(12, '0')}`;
    b.subscription(sub, `Generated ${String(s + 1).padStart(3, '0')}`);
    const at: Location = { sub, rg: 'rg-fleet', location: s % 2 === 0 ? 'westeurope' : 'eastus' };
    b.resourceGroup(at);
    const subnetCount = Math.ceil(opts.vmsPerSubscription / VMS_PER_SUBNET);
    const subnets = Array.from({ length: subnetCount }, (_, i) => ({
      name: `snet-${i}`,
      prefix: `10.${Math.floor(i / 256)}.${i % 256}.0/24`,
      nsgId: b.nsg(at, `nsg-snet-${i}`, [
        { name: 'Allow-SSH-Internet', priority: 200, access: 'Allow', source: 'Internet', ports: '22' },
      ]),
    }));
    const ids = b.vnet(at, 'vnet-fleet', '10.0.0.0/8', subnets);
    for (let v = 0; v < opts.vmsPerSubscription; v++) {
      const subnet = subnets[Math.floor(v / VMS_PER_SUBNET)];
      const name = `vm-${String(v).padStart(4, '0')}`;
      const exposed = v % 3 === 0;
      const nsgId = b.nsg(at, `${name}-nsg`, [
        {
          name: exposed ? 'SSH-Any' : 'SSH-Office',
          priority: 300,
          access: 'Allow',
          source: exposed ? '*' : '198.51.100.7',
          ports: v % 2 === 0 ? '22' : '3389',
        },
      ]);
      const host = (v % VMS_PER_SUBNET) + 4;
      const nic = b.nic(at, `${name}-nic`, {
        subnetId: ids[subnet.name],
        privateIp: subnet.prefix.replace('0/24', String(host)),
        nsgId,
      });
      b.vm(at, name, {
        osType: v % 2 === 0 ? 'Linux' : 'Windows',
        nicIds: [nic],
        power: v % 10 === 9 ? 'deallocated' : 'running',
      });
    }
  }
  return b.build();
}

/** Parses '50x200' (subscriptions x VMs per subscription). */
export function parseGenerateSpec(spec: string): GenerateOptions {
  const m = /^(\d+)x(\d+)$/i.exec(spec.trim());
  if (!m) throw new Error(`expected SUBSxVMS such as 50x200, got '${spec}'`);
  return { subscriptions: Number(m[1]), vmsPerSubscription: Number(m[2]) };
}
