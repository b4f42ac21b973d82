// The active-grants webview: one panel, restored after a reload by a serializer. The extension
// posts rows with absolute expiry times whenever grants change; the page ticks by itself.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { Grant } from '../../engine/model';
import { CommandIds } from '../commands/ids';
import { Disposable, disposeAll, type IDisposable } from '../lifecycle';
import { readSettings } from '../settings';
import type { Estate } from '../tree/estate';
import { renderPanelHtml } from './panelHtml';
import {
  PANEL_VIEW_TYPE,
  panelRows,
  panelStrings,
  parsePageMessage,
  type HostToPage,
  type PanelGrant,
} from './panelModel';

export class GrantsPanel extends Disposable implements vscode.WebviewPanelSerializer {
  private panel?: vscode.WebviewPanel;
  private panelDisposables: IDisposable[] = [];
  private readonly firstSeen = new Map<string, number>();
  private lastRows: PanelGrant[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly estate: Estate,
  ) {
    super();
    this._register(estate.onDidChange(() => this.post()));
    this._register({ dispose: () => this.panel?.dispose() });
  }

  /** The rows last sent to the page (for in-host tests). */
  get rows(): readonly PanelGrant[] {
    return this.lastRows;
  }

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  show(): void {
    if (this.panel) {
      this.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      PANEL_VIEW_TYPE,
      vscode.l10n.t('Active JIT grants'),
      vscode.ViewColumn.Active,
      this.webviewOptions(),
    );
    this.attach(panel);
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel): Promise<void> {
    panel.webview.options = this.webviewOptions();
    this.attach(panel);
  }

  private webviewOptions(): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'media')] };
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    const media = (file: string) =>
      panel.webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', file));
    panel.webview.html = renderPanelHtml({
      cspSource: panel.webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: media('grantsPanel.js').toString(),
      styleUri: media('grantsPanel.css').toString(),
      title: vscode.l10n.t('Active JIT grants'),
      lang: vscode.env.language,
    });
    this.panelDisposables.push(
      panel.webview.onDidReceiveMessage((raw) => this.onMessage(raw)),
      panel.onDidDispose(() => {
        this.panel = undefined;
        disposeAll(this.panelDisposables);
      }),
    );
    void this.estate.ensureLoaded().then(() => this.post());
  }

  private async onMessage(raw: unknown): Promise<void> {
    const message = parsePageMessage(raw);
    if (!message) return;
    if (message.type === 'ready') this.post();
    else if (message.type === 'extend')
      await vscode.commands.executeCommand(CommandIds.extendGrant, { grantId: message.grantId });
    else await vscode.commands.executeCommand(CommandIds.revokeGrant, { grantId: message.grantId });
  }

  private firstSeenAt(grant: Grant): number {
    const key = `${grant.id}@${grant.expiresAt}`;
    if (!this.firstSeen.has(key)) this.firstSeen.set(key, Date.now());
    return this.firstSeen.get(key)!;
  }

  private post(): void {
    const now = Date.now();
    this.lastRows = panelRows(this.estate.grants, this.estate.isMine, (g) => this.firstSeenAt(g), now);
    if (!this.panel) return;
    const message: HostToPage = {
      type: 'update',
      grants: this.lastRows,
      hostNow: now,
      strings: panelStrings(vscode.l10n.t),
      warnMs: readSettings().warningThresholdMs,
    };
    void this.panel.webview.postMessage(message);
  }
}
