// The status bar timer: my soonest-expiring grant, ticking every second while I have one; a
// notification with "Extend" when a grant enters the warning window; click opens the grants panel.
import * as vscode from 'vscode';
import { CommandIds } from '../commands/ids';
import { Disposable } from '../lifecycle';
import { readSettings } from '../settings';
import type { Estate } from '../tree/estate';
import { formatCountdown } from '../time/countdown';
import { expiryKey, grantsDueWarning, timerView } from './timerText';

export class GrantTimer extends Disposable {
  private readonly item: vscode.StatusBarItem;
  private ticker?: NodeJS.Timeout;
  private readonly warned = new Set<string>();

  constructor(private readonly estate: Estate) {
    super();
    this.item = this._register(
      vscode.window.createStatusBarItem('jitAccess.timer', vscode.StatusBarAlignment.Left, 50),
    );
    this.item.name = vscode.l10n.t('JIT access timer');
    this.item.command = CommandIds.showGrants;
    this._register(estate.onDidChange(() => this.update()));
    this._register({ dispose: () => this.stopTicking() });
  }

  /** What the status bar shows right now (for in-host tests). */
  get text(): string | undefined {
    return this.visible ? this.item.text : undefined;
  }

  private visible = false;

  update(): void {
    const now = Date.now();
    const { warningThresholdMs } = readSettings();
    const view = timerView(this.estate.grants, this.estate.isMine, now, warningThresholdMs, vscode.l10n.t);
    if (!view) {
      this.item.hide();
      this.visible = false;
      this.stopTicking();
      return;
    }
    this.item.text = view.text;
    this.item.accessibilityInformation = { label: view.accessibilityLabel, role: 'button' };
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendMarkdown(`**${vscode.l10n.t('My active JIT grants')}**\n\n`);
    for (const line of view.tooltipLines) tooltip.appendText(`${line}\n`).appendMarkdown('\n');
    tooltip.appendMarkdown(`\n${vscode.l10n.t('Click to open the active grants panel')}`);
    this.item.tooltip = tooltip;
    this.item.backgroundColor = view.warning
      ? new vscode.ThemeColor('statusBarItem.warningBackground')
      : undefined;
    this.item.show();
    this.visible = true;
    this.startTicking();
    for (const grant of grantsDueWarning(
      this.estate.grants,
      this.estate.isMine,
      now,
      warningThresholdMs,
      this.warned,
    )) {
      this.warned.add(expiryKey(grant));
      void this.warn(grant.id, grant.vmName, grant.expiresAt - now);
    }
  }

  private async warn(grantId: string, vmName: string, msLeft: number): Promise<void> {
    const extend = vscode.l10n.t('Extend');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('JIT access to {0} expires in {1}.', vmName, formatCountdown(msLeft)),
      extend,
    );
    if (choice === extend) await vscode.commands.executeCommand(CommandIds.extendGrant, { grantId });
  }

  private startTicking(): void {
    this.ticker ??= setInterval(() => this.update(), 1000);
  }

  private stopTicking(): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
  }
}
