// Where to point ssh for a VM: the grant's firewall DNAT endpoint when access goes through a
// firewall (host/port differ from the VM's own), otherwise the VM's public address.
import type { Grant } from '../../engine/model';
import type { ClassifiedVm } from '../../grants/api';
import { primaryPublicIp } from '../tree/nodes/vmNode';

export interface SshTarget {
  host: string;
  port: number;
  viaFirewall: boolean;
}

export function sshTarget(
  cvm: ClassifiedVm,
  grant: Grant | undefined,
  vmPort: number,
): SshTarget | undefined {
  const dnat = grant?.connect?.find((c) => c.port === vmPort);
  if (dnat) return { host: dnat.host, port: dnat.hostPort, viaFirewall: true };
  const ip = primaryPublicIp(cvm);
  return ip ? { host: ip, port: vmPort, viaFirewall: false } : undefined;
}

/** A grant of mine on the VM that covers the port and outlives `minMsLeft`. */
export function usableGrant(
  cvm: ClassifiedVm,
  vmPort: number,
  isMine: (g: Grant) => boolean,
  now: number,
  minMsLeft = 60_000,
): Grant | undefined {
  return cvm.grants
    .filter((g) => isMine(g) && g.ports.some((p) => p.port === vmPort) && g.expiresAt - now > minMsLeft)
    .sort((a, b) => b.expiresAt - a.expiresAt)[0];
}

/** The Remote-SSH host string: `user@host` plus `:port` only when it is not 22. */
export function remoteSshHost(target: SshTarget, userName: string | undefined): string {
  const hostPart = target.port === 22 ? target.host : `${target.host}:${target.port}`;
  return userName ? `${userName}@${hostPart}` : hostPart;
}

/** The argv for an integrated-terminal `ssh`, used when Remote-SSH is not installed. */
export function sshArgs(target: SshTarget, userName: string | undefined): string[] {
  const args = target.port === 22 ? [] : ['-p', String(target.port)];
  return [...args, userName ? `${userName}@${target.host}` : target.host];
}
