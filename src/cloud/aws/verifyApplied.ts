// After a plan is applied and the instance re-read: does EC2 now let through exactly what the
// engine's simulator predicted? Probed with the engine's evaluator at the management ports and at
// every port and peer the plan's rules name, from inside and just outside those peers.
import { DEFAULT_JIT_PORTS, type VmNetwork } from '../../engine/model';
import type { Plan } from '../../engine/operations';
import { applyPlan, networkOf, worldOf } from '../../engine/simulate';
import { reachability, sourcesAround, type Probe } from '../../engine/verify';
import type { InstanceRead } from './reader';

const BACKGROUND_SOURCES = ['8.8.8.8', '203.0.113.200', '10.0.0.1', '2001:db8::1'];

function probesFor(before: VmNetwork, plan: Plan): Probe[] {
  const ports = new Set<number>(DEFAULT_JIT_PORTS);
  const sources = new Set<string>(BACKGROUND_SOURCES);
  for (const op of plan.ops) {
    if (op.kind !== 'aws.authorizeIngress') continue;
    for (const rule of op.rules) {
      if (rule.fromPort !== undefined && rule.fromPort >= 0 && rule.fromPort === rule.toPort)
        ports.add(rule.fromPort);
      for (const peer of [rule.cidrIpv4, rule.cidrIpv6])
        if (peer) sourcesAround(peer).forEach((s) => sources.add(s));
    }
  }
  if (before.cloud === 'aws') {
    for (const group of Object.values(before.groups))
      for (const rule of group.rules)
        for (const peer of [rule.cidrIpv4, rule.cidrIpv6])
          if (peer) sourcesAround(peer).forEach((s) => sources.add(s));
  }
  const out: Probe[] = [];
  for (const source of sources)
    for (const port of ports)
      for (const protocol of ['tcp', 'udp'] as const) out.push({ source, port, protocol });
  return out;
}

/** The state the plan should produce; throws the simulator's SimulationError when EC2 would refuse it. */
export function predict(read: InstanceRead, plan: Plan): VmNetwork {
  const world = worldOf([read.network]);
  const own = new Set(read.network.vm.interfaces.map((n) => n.id));
  for (const group of read.related) {
    world.groups[group.id] ??= structuredClone(group);
    world.externalGroupInterfaces[group.id] = (read.relatedInterfaces[group.id] ?? []).filter(
      (id) => !own.has(id),
    );
  }
  return networkOf(applyPlan(world, plan), read.network.vm.id);
}

/** Differences between predicted and actual reachability; empty when the cloud did what was planned. */
export function verifyApplied(
  before: VmNetwork,
  predicted: VmNetwork,
  actual: VmNetwork,
  plan: Plan,
): string[] {
  const failures: string[] = [];
  for (const probe of probesFor(before, plan)) {
    const want = reachability(predicted, probe);
    const got = reachability(actual, probe);
    for (const [target, allowed] of want) {
      if (got.get(target) !== allowed) {
        failures.push(
          `${probe.protocol}/${probe.port} from ${probe.source} to ${target}: expected ${allowed ? 'open' : 'closed'}, ` +
            `found ${got.get(target) === undefined ? 'missing' : got.get(target) ? 'open' : 'closed'}`,
        );
      }
    }
  }
  return failures;
}
