// Activation: builds the services by hand and passes them in. Nothing heavy loads here: the grant
// service, the SDKs and the local cloud are imported on first use (see services/serviceHost.ts).
import * as vscode from 'vscode';
import type { JitAccessApi } from './api';
import { AuditTrail } from './audit/auditTrail';
import { registerCommands } from './commands/registerCommands';
import { GrantsPanel } from './panel/grantsPanel';
import { PANEL_VIEW_TYPE } from './panel/panelModel';
import { ServiceHost } from './services/serviceHost';
import { GrantTimer } from './statusBar/grantTimer';
import { Estate } from './tree/estate';
import { JitTreeProvider } from './tree/treeProvider';

export const TREE_VIEW_ID = 'jitAccess.tree';

let shutdown: (() => Promise<void>) | undefined;

export function activate(context: vscode.ExtensionContext): JitAccessApi {
  const startedAt = Date.now();
  const started = performance.now();
  const log = vscode.window.createOutputChannel('JIT Access', { log: true });
  const host = new ServiceHost(log);
  const estate = new Estate(host, log);
  const tree = new JitTreeProvider(estate);
  const statusBar = new GrantTimer(estate);
  const panel = new GrantsPanel(context.extensionUri, estate);
  const view = vscode.window.createTreeView(TREE_VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  const updateViewDescription = () =>
    (view.description = estate.accounts.sandbox ? vscode.l10n.t('local sandbox') : undefined);

  context.subscriptions.push(
    log,
    host,
    estate,
    tree,
    statusBar,
    panel,
    view,
    new AuditTrail(host, log),
    estate.onDidChange(updateViewDescription),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, panel),
    ...registerCommands({
      extensionUri: context.extensionUri,
      host,
      estate,
      panel,
      log,
      globalState: context.globalState,
      globalStorageUri: context.globalStorageUri,
    }),
  );

  shutdown = () => host.shutdown();
  const durationMs = performance.now() - started;
  log.info(`Activated in ${durationMs.toFixed(1)} ms`);
  return {
    service: () => host.service(),
    estate,
    tree,
    statusBar,
    panel,
    localCloud: () => host.localCloud,
    activation: { startedAt, durationMs },
  };
}

/** Waits for the sandbox's local cloud to stop (everything else goes with context.subscriptions). */
export async function deactivate(): Promise<void> {
  await shutdown?.();
}
