// What every command gets: the services built in activate(), passed in by hand.
import type * as vscode from 'vscode';
import type { GrantsPanel } from '../panel/grantsPanel';
import type { ServiceHost } from '../services/serviceHost';
import type { Estate } from '../tree/estate';

export interface CommandContext {
  extensionUri: vscode.Uri;
  host: ServiceHost;
  estate: Estate;
  panel: GrantsPanel;
  log: vscode.LogOutputChannel;
  globalState: vscode.Memento;
  globalStorageUri: vscode.Uri;
}

export type CommandHandler = (ctx: CommandContext, arg: unknown, ...rest: unknown[]) => Promise<unknown>;
