// "Can source S reach port P on this VM, and which rule decides?" — the shared vocabulary and the
// per-VM entry point. The cloud-specific semantics live in azureEvaluator.ts, firewallEvaluator.ts
// and awsEvaluator.ts.
//
// Rules only: the evaluator answers what the NSGs, security groups and firewalls let through. It does
// not model routing (whether the interface has a public IP, load balancers, UDRs): a private address
// behind an "allow from *" rule is reported as allowed.
import { evaluateAwsInterface } from './awsEvaluator';
import { evaluateAzureInterface } from './azureEvaluator';
import { evaluateFirewalls } from './firewallEvaluator';
import type { VmNetwork } from './model';

export type TrafficProtocol = 'tcp' | 'udp';

/** Inbound traffic from one concrete source address to one port. */
export interface Traffic {
  source: string;
  port: number;
  protocol: TrafficProtocol;
}

export type Layer =
  | 'subnet-nsg'
  | 'nic-nsg'
  /** Neither the NIC nor its subnet has an NSG: Azure lets everything in. */
  | 'no-nsg'
  | 'security-group'
  /** No security group rule matched: security groups deny what they do not allow. */
  | 'implicit-deny'
  | 'firewall-dnat'
  | 'firewall-network';

export interface Decision {
  layer: Layer;
  /** NSG, security group or firewall id. */
  resourceId?: string;
  resourceName?: string;
  /** NSG rule name, EC2 rule id (`sgr-…`), or firewall rule name. */
  rule?: string;
  /** NSG rule priority, or the firewall rule collection's priority. */
  priority?: number;
  /** Firewall rule collection. */
  collection?: string;
  /** One of the NSG's default (read-only) rules. */
  defaultRule?: boolean;
  access: 'Allow' | 'Deny';
  /** DNAT: where to connect (the firewall's public address and mapped port). */
  connect?: { host: string; port: number };
}

export interface Verdict {
  allowed: boolean;
  /**
   * Azure: the NSGs in evaluation order (subnet, then NIC), stopping at the first deny. AWS: every
   * rule that allows the traffic (any one suffices), or a single implicit deny.
   */
  decidedBy: Decision[];
}

export interface InterfaceVerdict extends Verdict {
  interfaceId: string;
  /** The private address the verdict is for. */
  destination: string;
  /** Azure only: classic-firewall paths that also bring the traffic to this address (DNAT, network rules). */
  firewall: Decision[];
}

/** Evaluates `traffic` against every private address of every interface of the VM. */
export function evaluateVm(net: VmNetwork, traffic: Traffic): InterfaceVerdict[] {
  const out: InterfaceVerdict[] = [];
  for (const nic of net.vm.interfaces) {
    for (const destination of nic.privateIps) {
      if (net.cloud === 'azure') {
        const verdict = evaluateAzureInterface(net, nic, destination, traffic);
        const firewall = evaluateFirewalls(net.firewalls, destination, traffic);
        out.push({ ...verdict, interfaceId: nic.id, destination, firewall });
      } else {
        out.push({
          ...evaluateAwsInterface(net, nic, destination, traffic),
          interfaceId: nic.id,
          destination,
          firewall: [],
        });
      }
    }
  }
  return out;
}
