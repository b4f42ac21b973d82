// Wires every command id to its handler, one file per command group.
import * as vscode from 'vscode';
import { addSshHost, connectSsh } from '../ssh/remoteSsh';
import {
  refresh,
  selectProfiles,
  selectSubscriptions,
  showLog,
  signInAzure,
  useAccounts,
  useSandbox,
} from './accountCommands';
import type { CommandContext, CommandHandler } from './context';
import { extendGrant, revokeGrant } from './grantCommands';
import { CommandIds, type CommandId } from './ids';
import { disableJit, editPolicy, enableJit } from './policyCommands';
import { requestAccess } from './requestAccess';
import { copyIp, openInPortal, showDetails, showGrants, sweep } from './vmCommands';

const HANDLERS: Record<CommandId, CommandHandler> = {
  [CommandIds.requestAccess]: requestAccess,
  [CommandIds.extendGrant]: extendGrant,
  [CommandIds.revokeGrant]: revokeGrant,
  [CommandIds.enableJit]: enableJit,
  [CommandIds.editPolicy]: editPolicy,
  [CommandIds.disableJit]: disableJit,
  [CommandIds.showDetails]: showDetails,
  [CommandIds.connectSsh]: connectSsh,
  [CommandIds.addSshHost]: addSshHost,
  [CommandIds.copyIp]: copyIp,
  [CommandIds.openInPortal]: openInPortal,
  [CommandIds.sweep]: sweep,
  [CommandIds.showGrants]: showGrants,
  [CommandIds.signInAzure]: signInAzure,
  [CommandIds.selectSubscriptions]: selectSubscriptions,
  [CommandIds.selectProfiles]: selectProfiles,
  [CommandIds.useSandbox]: useSandbox,
  [CommandIds.useAccounts]: useAccounts,
  [CommandIds.refresh]: refresh,
  [CommandIds.refreshNode]: refresh,
  [CommandIds.showLog]: showLog,
};

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  return Object.entries(HANDLERS).map(([id, handler]) =>
    vscode.commands.registerCommand(id, (arg: unknown, ...rest: unknown[]) => handler(ctx, arg, ...rest)),
  );
}
