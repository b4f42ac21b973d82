// "Connect via Remote-SSH": make sure I hold a grant on the VM's SSH port (requesting one with the
// defaults if not), then open a Remote-SSH window — or, without Remote-SSH, offer to install it or
// run ssh in a terminal. Optionally writes an ~/.ssh/config entry whose ProxyCommand runs
// `jit ssh-proxy`, so reconnects after expiry request access again.
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { Grant } from '../../engine/model';
import type { ClassifiedVm } from '../../grants/api';
import type { CommandContext } from '../commands/context';
import { requestAccess } from '../commands/requestAccess';
import { isObject, orCancel, runReporting, vmFor } from '../commands/ui';
import { maxDurationFor } from '../request/requestChoices';
import { readSettings } from '../settings';
import { aliasTakenByUser, hostAlias, proxyCommandLine, upsertHostEntry } from './sshConfig';
import { remoteSshHost, sshArgs, sshTarget, usableGrant, type SshTarget } from './sshTarget';

export const REMOTE_SSH_IDS = ['ms-vscode-remote.remote-ssh', 'anysphere.remote-ssh'];
const SSH_PORT = 22;

export interface ConnectResult {
  host: string;
  port: number;
  userName?: string;
  grantId?: string;
  /** How the connection was opened. */
  via: 'remote-ssh' | 'terminal' | 'none';
  sshConfigAlias?: string;
}

function remoteSshInstalled(): boolean {
  return REMOTE_SSH_IDS.some((id) => vscode.extensions.getExtension(id) !== undefined);
}

export async function connectSsh(ctx: CommandContext, arg: unknown): Promise<ConnectResult | undefined> {
  return runReporting(ctx, 'Connect via Remote-SSH', async () => {
    const cvm = await vmFor(ctx, arg, 'reachable', vscode.l10n.t('Connect to which VM?'));
    const grant = await ensureGrant(ctx, cvm);
    const fresh = ctx.estate.snapshot?.vms.find((v) => v.vm.id === cvm.vm.id) ?? cvm;
    const target = sshTarget(fresh, grant, SSH_PORT);
    if (!target) throw new Error(vscode.l10n.t('{0} has no public address to connect to.', cvm.vm.name));
    const userName = await askUser(ctx, cvm, arg);
    const settings = readSettings();
    const alias = settings.sshWriteConfig ? await writeHostEntry(ctx, cvm, target, userName) : undefined;
    const result: ConnectResult = {
      host: target.host,
      port: target.port,
      userName,
      grantId: grant?.id,
      via: 'none',
      ...(alias ? { sshConfigAlias: alias } : {}),
    };
    const fallback =
      isObject(arg) && (arg.fallback === 'terminal' || arg.fallback === 'none') ? arg.fallback : undefined;
    if (remoteSshInstalled() && fallback === undefined) {
      const host = alias ?? remoteSshHost(target, userName);
      await vscode.commands.executeCommand(
        'opensshremotes.openEmptyWindow',
        alias
          ? { host }
          : { host: target.host, userName, port: target.port === SSH_PORT ? undefined : target.port },
      );
      ctx.log.info(`Opened Remote-SSH window to ${host}`);
      return { ...result, via: 'remote-ssh' };
    }
    if (fallback === 'none') return result;
    const install = vscode.l10n.t('Install Remote - SSH');
    const terminal = vscode.l10n.t('Open a terminal with ssh');
    const choice =
      fallback === 'terminal'
        ? terminal
        : await vscode.window.showInformationMessage(
            vscode.l10n.t(
              'Access to {0} is open. Remote - SSH is not installed: install it, or connect in a terminal?',
              cvm.vm.name,
            ),
            install,
            terminal,
          );
    if (choice === install) {
      await vscode.commands.executeCommand('workbench.extensions.installExtension', REMOTE_SSH_IDS[0]);
      return result;
    }
    if (choice === terminal) {
      const term = vscode.window.createTerminal({
        name: `ssh ${cvm.vm.name}`,
        shellPath: 'ssh',
        shellArgs: alias ? [alias] : sshArgs(target, userName),
      });
      term.show();
      return { ...result, via: 'terminal' };
    }
    return result;
  });
}

/** My grant on port 22 with time to spare, or a new one with the default duration from my IP. */
async function ensureGrant(ctx: CommandContext, cvm: ClassifiedVm): Promise<Grant | undefined> {
  if (!cvm.classification.jit.enabled) {
    // Not under JIT: nothing to request; the port is reachable or it is not.
    return undefined;
  }
  const existing = usableGrant(cvm, SSH_PORT, ctx.estate.isMine, Date.now());
  if (existing) return existing;
  const policyPort = cvm.policy?.ports.find((p) => p.port === SSH_PORT);
  if (!policyPort || !cvm.policy)
    throw new Error(vscode.l10n.t('The JIT policy of {0} does not include port 22.', cvm.vm.name));
  const spec = { port: SSH_PORT, protocol: policyPort.protocol };
  const durationMs = Math.min(readSettings().requestDurationMs, maxDurationFor(cvm.policy, [spec]));
  let justification: string | undefined;
  if (cvm.policy.requireJustification) {
    justification = orCancel(
      await vscode.window.showInputBox({
        prompt: vscode.l10n.t('Justification for SSH access to {0} (required by the policy)', cvm.vm.name),
        validateInput: (t) => (t.trim() ? undefined : vscode.l10n.t('The policy requires a justification.')),
      }),
    );
  }
  const outcome = await requestAccess(ctx, {
    vmId: cvm.vm.id,
    ports: [spec],
    source: { kind: 'myIp' },
    durationMs,
    justification,
  });
  if (!outcome) throw new Error(vscode.l10n.t('Access to {0} was not granted.', cvm.vm.name));
  return outcome.grant;
}

async function askUser(ctx: CommandContext, cvm: ClassifiedVm, arg: unknown): Promise<string | undefined> {
  if (isObject(arg) && typeof arg.userName === 'string') return arg.userName || undefined;
  const configured = readSettings().sshUserName;
  if (configured) return configured;
  const key = `sshUser:${cvm.vm.id}`;
  const remembered = ctx.globalState.get<string>(key);
  const typed = await vscode.window.showInputBox({
    prompt: vscode.l10n.t('User name on {0}', cvm.vm.name),
    value: remembered ?? (cvm.vm.cloud === 'azure' ? 'azureuser' : 'ec2-user'),
  });
  const user = orCancel(typed).trim();
  await ctx.globalState.update(key, user);
  return user || undefined;
}

/** The `jit` CLI command line for ProxyCommand: the setting, or the bundled CLI run by `node`. */
function cliCommand(ctx: CommandContext): string[] {
  const configured = readSettings().sshProxyCli.trim();
  if (configured) return configured.split(/\s+/);
  return ['node', vscode.Uri.joinPath(ctx.extensionUri, 'dist', 'cli.js').fsPath];
}

async function connectionArgs(ctx: CommandContext): Promise<string[]> {
  const args = ctx.host.cliArgs ?? [];
  const local = ctx.host.localCloud;
  if (!local) return args;
  // The sandbox's connection details go in a private file rather than on the command line.
  const file = join(ctx.globalStorageUri.fsPath, 'local-cloud.json');
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, local.infoJson + '\n', { mode: 0o600 });
  return ['--local', file, ...args];
}

export async function writeHostEntry(
  ctx: CommandContext,
  cvm: ClassifiedVm,
  target: SshTarget,
  userName: string | undefined,
): Promise<string> {
  const path = readSettings().sshConfigPath || join(homedir(), '.ssh', 'config');
  const existing = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return '';
    throw e;
  });
  let alias = hostAlias(cvm.vm.name);
  for (let n = 2; aliasTakenByUser(existing, alias); n++) alias = `${hostAlias(cvm.vm.name)}-${n}`;
  const proxyCommand = cvm.classification.jit.enabled
    ? proxyCommandLine(cliCommand(ctx), await connectionArgs(ctx), cvm.vm.id)
    : undefined;
  const updated = upsertHostEntry(existing, {
    alias,
    hostName: target.host,
    port: target.port,
    user: userName,
    proxyCommand,
  });
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFile(path, updated, { mode: 0o600 });
  await chmod(path, 0o600);
  ctx.log.info(`Wrote ssh host entry "${alias}" to ${path}`);
  return alias;
}

export async function addSshHost(ctx: CommandContext, arg: unknown): Promise<string | undefined> {
  return runReporting(ctx, 'Add SSH host entry', async () => {
    const cvm = await vmFor(ctx, arg, 'reachable', vscode.l10n.t('Add an ssh config entry for which VM?'));
    const grant = usableGrant(cvm, SSH_PORT, ctx.estate.isMine, Date.now());
    const target = sshTarget(cvm, grant, SSH_PORT);
    if (!target) throw new Error(vscode.l10n.t('{0} has no public address to connect to.', cvm.vm.name));
    const alias = await writeHostEntry(ctx, cvm, target, await askUser(ctx, cvm, arg));
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        'Added "Host {0}" to your ssh config: `ssh {0}` requests access first when needed.',
        alias,
      ),
    );
    return alias;
  });
}
