// The ~/.ssh/config host entry for a VM. Each entry sits between marker comments, so updating it
// replaces only the block this extension wrote and never rewrites the user's own entries.
// Its ProxyCommand runs `jit ssh-proxy`, which ensures a grant before every connection — also for
// Remote-SSH reconnects after a grant expired.

export interface HostEntry {
  alias: string;
  hostName: string;
  port: number;
  user?: string;
  /** Already shell-quoted command line, with ssh's %h/%p tokens where needed. */
  proxyCommand?: string;
}

const BEGIN = '# >>> jit-vm-access';
const END = '# <<< jit-vm-access';

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

export function renderHostEntry(entry: HostEntry): string {
  const lines = [`${BEGIN} ${entry.alias}`, `Host ${entry.alias}`, `  HostName ${entry.hostName}`];
  if (entry.port !== 22) lines.push(`  Port ${entry.port}`);
  if (entry.user) lines.push(`  User ${entry.user}`);
  if (entry.proxyCommand) lines.push(`  ProxyCommand ${entry.proxyCommand}`);
  lines.push(`${END} ${entry.alias}`);
  return lines.join('\n');
}

/** Replaces this extension's block for the alias, or appends one; the rest of the file is kept byte for byte. */
export function upsertHostEntry(configText: string, entry: HostEntry): string {
  const block = renderHostEntry(entry);
  const lines = configText.split('\n');
  const start = lines.indexOf(`${BEGIN} ${entry.alias}`);
  const end = lines.indexOf(`${END} ${entry.alias}`, start + 1);
  if (start >= 0 && end > start) {
    return [...lines.slice(0, start), block, ...lines.slice(end + 1)].join('\n');
  }
  const separator = configText === '' ? '' : configText.endsWith('\n') ? '\n' : '\n\n';
  return `${configText}${separator}${block}\n`;
}

/**
 * True when the user's own (unmarked) config already declares `Host <alias>`. ssh uses the first
 * match, so our entry would be shadowed: the caller picks another alias instead.
 */
export function aliasTakenByUser(configText: string, alias: string): boolean {
  let inOurBlock = false;
  for (const raw of configText.split('\n')) {
    const line = raw.trim();
    if (line.startsWith(BEGIN)) inOurBlock = true;
    else if (line.startsWith(END)) inOurBlock = false;
    else if (!inOurBlock && /^host\s/i.test(line)) {
      if (line.slice(4).trim().split(/\s+/).includes(alias)) return true;
    }
  }
  return false;
}
