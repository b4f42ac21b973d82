// The ~/.ssh/config host entry for a VM, edited with the ssh-config parser. Our blocks carry a marker
// comment, so updating one replaces only what this extension wrote, never the user's own entries.
// Its ProxyCommand runs `jit ssh-proxy`, which ensures a grant before every connection — also for
// Remote-SSH reconnects after a grant expired.

import SSHConfig, { LineType, type Line, type Section } from 'ssh-config';

export interface HostEntry {
  alias: string;
  hostName: string;
  port: number;
  user?: string;
  /** Already shell-quoted command line, with ssh's %h/%p tokens where needed. */
  proxyCommand?: string;
}

const MARK = '# Managed by JIT VM Access: requests access before every connection.';

/** `jit-<name>`, lower-cased, with anything ssh would treat as a pattern or separator replaced. */
export function hostAlias(vmName: string): string {
  return `jit-${vmName.toLowerCase().replace(/[^a-z0-9._-]+/g, '-')}`;
}

/** Quotes one argument for the POSIX shell ssh runs ProxyCommand with. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** `jit [connection args] ssh-proxy <vm> %h %p`: ssh substitutes the host and port it connects to. */
export function proxyCommandLine(cli: string[], connectionArgs: string[], vmId: string): string {
  return [...cli, ...connectionArgs, 'ssh-proxy', vmId].map(shellQuote).join(' ') + ' %h %p';
}

/** The host block for one VM, as ssh-config writes it. */
export function renderHostEntry(entry: HostEntry): string {
  return upsertHostEntry('', entry).trimEnd();
}

/** Replaces this extension's block for the alias, or appends one; everything else in the file is kept. */
export function upsertHostEntry(configText: string, entry: HostEntry): string {
  const config = SSHConfig.parse(configText);
  config.remove((line) => isSection(line) && hostPatterns(line).includes(entry.alias) && isOurs(line));
  config.append({
    Host: entry.alias,
    HostName: entry.hostName,
    ...(entry.port !== 22 ? { Port: String(entry.port) } : {}),
    ...(entry.user ? { User: entry.user } : {}),
    ...(entry.proxyCommand ? { ProxyCommand: entry.proxyCommand } : {}),
  });
  const added = config.find({ Host: entry.alias }) as Section;
  added.config.unshift({ type: LineType.COMMENT, before: '  ', after: '\n', content: MARK });
  return config.toString();
}

/**
 * True when the user's own config already declares `Host <alias>`. ssh uses the first match, so our
 * entry would be shadowed: the caller picks another alias instead.
 */
export function aliasTakenByUser(configText: string, alias: string): boolean {
  const taken = SSHConfig.parse(configText).find(
    (line) => isSection(line) && hostPatterns(line).includes(alias) && !isOurs(line),
  );
  return taken !== undefined;
}

function isSection(line: Line): line is Section {
  return line.type === LineType.DIRECTIVE && line.param.toLowerCase() === 'host' && 'config' in line;
}

function hostPatterns(section: Section): string[] {
  return typeof section.value === 'string' ? section.value.split(/\s+/) : section.value.map((v) => v.val);
}

function isOurs(section: Section): boolean {
  return section.config.some((line) => line.type === LineType.COMMENT && line.content === MARK);
}
