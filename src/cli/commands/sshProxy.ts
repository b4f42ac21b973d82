// `jit ssh-proxy <vm> <host> <port>`: an ssh ProxyCommand. It makes sure the caller holds an active
// grant for the port (reusing one that covers the port and source for at least another minute,
// else requesting one), then relays stdin/stdout to host:port. stdout belongs to ssh: every message
// goes to stderr.
import { connect } from 'node:net';
import { cidrContainsCidr } from '../../engine/cidr';
import type { Grant } from '../../engine/model';
import type { SourceChoice } from '../../grants/api';
import type { CliContext } from '../context';
import { formatTimeLeft } from '../format';
import { concreteSource } from './grants';

export interface SshProxyArgs {
  vm: string;
  host: string;
  port: number;
  durationMs: number;
  source: SourceChoice;
  why?: string;
}

/** A grant is reused only if it will outlive the connection's handshake comfortably. */
const REUSE_MARGIN_MS = 60_000;

function covers(g: Grant, port: number, source: string, now: number): boolean {
  return (
    g.expiresAt - now > REUSE_MARGIN_MS &&
    g.ports.some((p) => p.port === port && p.protocol !== 'udp') &&
    (g.source === '*' || cidrContainsCidr(g.source, source))
  );
}

export async function ensureGrant(ctx: CliContext, args: SshProxyArgs, now: () => number): Promise<Grant> {
  const service = await ctx.service();
  const target = await ctx.resolve(args.vm);
  const me = await service.whoAmI(target.vm.cloud, target.vm.id);
  const source = await concreteSource(ctx, service, args.source);
  const cidr = source.kind === 'cidr' ? source.cidr : '';
  const existing = target.grants.find((g) => g.requester === me && covers(g, args.port, cidr, now()));
  if (existing) {
    ctx.out.progress(
      `Using grant ${existing.id} on ${target.vm.name} (${formatTimeLeft(existing.expiresAt - now())} left).`,
    );
    return existing;
  }
  ctx.out.progress(`Requesting port ${args.port} on ${target.vm.name} from ${cidr}…`);
  const outcome = await service.request({
    vmId: target.vm.id,
    ports: [{ port: args.port, protocol: 'tcp' }],
    source,
    durationMs: args.durationMs,
    ...(args.why ? { justification: args.why } : {}),
  });
  for (const w of outcome.warnings) ctx.out.warn(w);
  ctx.out.progress(`Granted ${outcome.grant.id} until ${new Date(outcome.grant.expiresAt).toISOString()}.`);
  return outcome.grant;
}

/** Pipes stdin to the TCP connection and the connection to stdout until either side closes. */
export function relay(host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.once('error', (e) => reject(new Error(`Cannot connect to ${host}:${port}: ${e.message}`)));
    socket.once('connect', () => {
      process.stdin.pipe(socket);
      socket.pipe(process.stdout);
      process.stdin.once('end', () => socket.end());
      socket.once('close', () => {
        process.stdin.unpipe(socket);
        process.stdin.pause();
        resolve(0);
      });
    });
  });
}

export async function sshProxy(ctx: CliContext, args: SshProxyArgs, now: () => number): Promise<number> {
  const grant = await ensureGrant(ctx, args, now);
  // Through a firewall's DNAT the connection goes to the mapped address instead of the given host.
  const dnat = grant.connect?.find((c) => c.port === args.port);
  await ctx.close();
  return relay(dnat?.host ?? args.host, dnat?.hostPort ?? args.port);
}
