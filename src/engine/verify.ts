// After a plan is applied, the provider re-reads the VM and asks: is exactly the requested access
// open, and nothing else changed? Checked with the evaluator on a sample of probes chosen where
// mistakes show: the granted ports and their neighbours, the management ports, the granted source,
// addresses just outside it, and unrelated public and private addresses.
import { parseCidr, valueToText } from './cidr';
import { evaluateVm, type TrafficProtocol } from './evaluator';
import { DEFAULT_JIT_PORTS, type Grant, type VmNetwork } from './model';

export interface Probe {
  source: string;
  port: number;
  protocol: TrafficProtocol;
}

const UNRELATED_SOURCES = [
  '8.8.8.8',
  '203.0.113.200',
  '198.51.100.1',
  '10.0.0.1',
  '192.168.1.1',
  '2001:db8::1',
];

function grantCovers(grant: Grant, p: Probe): boolean {
  const cidr = parseCidr(grant.source);
  const src = parseCidr(p.source);
  const anySource = grant.source === '*' || grant.source === '0.0.0.0/0' || grant.source === '::/0';
  const sourceIn =
    anySource ||
    (!!cidr && !!src && src.family === cidr.family && src.first >= cidr.first && src.last <= cidr.last);
  return (
    sourceIn &&
    grant.ports.some((g) => g.port === p.port && (g.protocol === '*' || g.protocol === p.protocol))
  );
}

/** Sources worth probing around a CIDR: its first and last address and the ones just outside. */
export function sourcesAround(source: string): string[] {
  const c = parseCidr(source);
  if (!c) return [];
  const all = parseCidr(c.family === 4 ? '0.0.0.0/0' : '::/0')!;
  const values = [c.first, c.last, c.first - 1n, c.last + 1n].filter((v) => v >= all.first && v <= all.last);
  return [...new Set(values.map((v) => valueToText(c.family, v)))];
}

/** The probes `verifyGrant` uses; exported so tests and other checks can reuse the same sample. */
export function probesFor(grant: Grant, extraPorts: number[] = []): Probe[] {
  const ports = new Set<number>([...DEFAULT_JIT_PORTS, ...extraPorts]);
  for (const p of grant.ports)
    for (const q of [p.port - 1, p.port, p.port + 1]) if (q >= 0 && q <= 65535) ports.add(q);
  const sources = [...new Set([...sourcesAround(grant.source), ...UNRELATED_SOURCES])];
  const out: Probe[] = [];
  for (const source of sources)
    for (const port of ports)
      for (const protocol of ['tcp', 'udp'] as const) out.push({ source, port, protocol });
  return out;
}

/** Per private address: is the probe allowed (NSG/security group path, and any firewall path)? */
export function reachability(net: VmNetwork, probe: Probe): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const v of evaluateVm(net, probe)) {
    const viaFirewall = v.firewall?.some((d) => d.access === 'Allow') ?? false;
    out.set(`${v.interfaceId}/${v.destination}`, v.allowed || viaFirewall);
  }
  return out;
}

/**
 * Failures (empty when all is well): a requested tuple that is not open on every private address,
 * or any other probe whose reachability differs between `before` and `after`.
 */
export function verifyGrant(
  before: VmNetwork,
  after: VmNetwork,
  grant: Grant,
  extraPorts: number[] = [],
): string[] {
  const failures: string[] = [];
  for (const probe of probesFor(grant, extraPorts)) {
    const was = reachability(before, probe);
    const now = reachability(after, probe);
    const expectOpen = grantCovers(grant, probe);
    for (const [where, allowed] of now) {
      const what = `${probe.protocol}/${probe.port} from ${probe.source} to ${where}`;
      if (expectOpen && !allowed && !grant.connect?.length)
        failures.push(`Requested access is not open: ${what}.`);
      if (!expectOpen && allowed !== (was.get(where) ?? false)) {
        failures.push(
          `Reachability changed outside the grant: ${what} was ${was.get(where) ? 'open' : 'closed'}, now ${allowed ? 'open' : 'closed'}.`,
        );
      }
    }
  }
  return failures;
}
