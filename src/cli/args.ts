// Parsing of the command line's own value syntax into what the grant service takes. Ports, CIDRs and
// durations are judged by the engine's validation, so the CLI and the extension say the same things.
import type { JitProtocol, PortSpec } from '../engine/model';
import { parseDurationMs, validatePort, validateProtocol, validateSource } from '../engine/validation';
import type { SourceChoice } from '../grants/api';
import { UsageError } from './exitCodes';

/** `22`, `22/tcp`, `53/udp`, `500/*`, or several separated by commas; repeated flags accumulate. */
export function parsePorts(values: string[]): PortSpec[] {
  const out: PortSpec[] = [];
  const problems: string[] = [];
  for (const item of values.flatMap((v) => v.split(',')).map((v) => v.trim())) {
    const [portText, protocolText = 'tcp', extra] = item.split('/');
    if (extra !== undefined) {
      problems.push(`Port "${item}" is not valid: write PORT or PORT/PROTOCOL, e.g. 22 or 53/udp.`);
      continue;
    }
    const port = validatePort(portText);
    const protocol = validateProtocol(protocolText);
    problems.push(...port.problems, ...protocol.problems);
    if (port.ok && protocol.ok) out.push({ port: port.value!, protocol: protocol.value as JitProtocol });
  }
  if (problems.length > 0) throw new UsageError(problems.join(' '));
  return out;
}

export function parseDuration(text: string): number {
  const parsed = parseDurationMs(text);
  if (!parsed.ok) throw new UsageError(parsed.problems.join(' '));
  return parsed.value!;
}

/** `myip`, or an address/CIDR (`*` and `0.0.0.0/0` included: the policy and a flag decide later). */
export function parseSource(text: string): SourceChoice {
  if (text.trim().toLowerCase() === 'myip') return { kind: 'myIp' };
  const r = validateSource(text, '--from');
  if (!r.ok) throw new UsageError(`${r.problems.join(' ')} Use "myip" or an address/CIDR.`);
  return { kind: 'cidr', cidr: r.value! };
}
