// The extension in the real VS Code workbench (code-server), driven as a person would: the tree
// opened from its activity bar icon, right-click menus, the pickers answered by keyboard, the grants
// panel's buttons and the status bar — with the local cloud checked through its admin API.
// Screenshots of each step go to test-results/screenshots/, in the default dark and light themes.
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { startCodeServer, type CodeServer } from '../../scripts/workbench/codeServer';
import { nsgRules, sandboxAdminUrl, type NsgRule } from './harness/localCloud';
import { packages } from './harness/packages';
import {
  activityView,
  childLabels,
  childRow,
  chooseMenuItem,
  countdownSeconds,
  openWorkbench,
  quickInput,
  quickInputRows,
  quickPickItem,
  runCommand,
  screenshot,
  treeRow,
  waitForQuickInput,
  webviewFrame,
  widenSideBar,
  type Workbench,
} from './harness/workbench';

const VM = 'web-01';
const MY_IP = '203.0.113.10/32';
const DARK = 'Default Dark Modern';

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('JIT Access in the VS Code workbench (code-server + Chromium)', function () {
  let server: CodeServer;
  let workbench: Workbench;
  let page: Page;
  let tree: Locator;
  let adminUrl: string;

  const timer = () => page.locator('.statusbar-item[id$="jitAccess.timer"]');
  const vmRow = () => treeRow(tree, 4, VM);
  const grantRules = async (): Promise<NsgRule[]> =>
    (await nsgRules(adminUrl)).filter(
      (r) => r.name.startsWith('JitVmAccess-Grant-') && r.name.endsWith(`-${VM}`),
    );

  before(async function () {
    const { product } = packages();
    server = await startCodeServer({
      vsixes: [product],
      settings: { 'jitAccess.sandbox.enabled': true, 'workbench.colorTheme': DARK },
    });
    workbench = await openWorkbench(server.url);
    page = workbench.page;
    tree = await activityView(page, 'JIT VM Access');
    await widenSideBar(page, 620);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) {
      const name = `failed-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 60)}`;
      console.log(`      screenshot: ${await screenshot(page, name)}`);
    }
  });

  after(async () => {
    await workbench?.close();
    await server?.stop();
  });

  /** Closes toasts so they cover nothing in the next screenshot. */
  async function clearNotifications(): Promise<void> {
    await runCommand(page, 'Notifications: Clear All Notifications');
  }

  async function showTree(theme: string): Promise<void> {
    await treeRow(tree, 1, 'Azure').waitFor({ timeout: 60_000 });
    await vmRow().waitFor();
    await screenshot(page, `tree-${theme}`, { parts: [page.locator('.part.sidebar')] });
  }

  async function requestThroughPickers(theme: string): Promise<void> {
    await vmRow().click({ button: 'right' });
    const menu = page.locator('.context-view .monaco-menu');
    await menu.waitFor();
    await page.waitForTimeout(400); // the menu fades in
    const items = (await menu.locator('.action-label').allInnerTexts()).filter(Boolean);
    assert.equal(items[0], 'Request JIT Access…', `first menu entry, got ${items.join(' | ')}`);
    await screenshot(page, `context-menu-${theme}`, { parts: [menu, vmRow()], margin: 12 });
    await chooseMenuItem(page, 'Request JIT Access…');

    await waitForQuickInput(page, `Request JIT access to ${VM} (1/5)`);
    const ports = quickInput(page).locator('.quick-input-list .monaco-list-row');
    assert.match(await ports.first().innerText(), /^22\/tcp/);
    assert.equal(await ports.first().getAttribute('aria-checked'), 'true', '22/tcp is pre-selected on Linux');
    await screenshot(page, `request-picker-${theme}`, { parts: [quickInput(page)], margin: 8 });
    await page.keyboard.press('Enter');

    await waitForQuickInput(page, `Request JIT access to ${VM} (2/5)`);
    await quickInput(page).locator('.monaco-list-row', { hasText: MY_IP }).waitFor();
    await page.keyboard.press('Enter');

    await waitForQuickInput(page, `Request JIT access to ${VM} (3/5)`);
    assert.match((await quickInputRows(page))[0], /^1 h\s*default/);
    await page.keyboard.press('Enter');

    await waitForQuickInput(page, `Request JIT access to ${VM} (4/5)`);
    await page.keyboard.type(`e2e ${theme}`);
    await page.keyboard.press('Enter');

    await waitForQuickInput(page, `Request JIT access to ${VM} (5/5)`);
    const preview = await quickInputRows(page);
    assert.ok(
      preview.some((r) => r.includes('JitVmAccess-Grant-') && r.includes(`22/tcp from ${MY_IP}`)),
      `the preview lists the rule to add:\n${preview.join('\n')}`,
    );
    await screenshot(page, `request-preview-${theme}`, { parts: [quickInput(page)], margin: 8 });
    await page.keyboard.press('Enter');
    await quickInput(page).waitFor({ state: 'hidden' });
  }

  async function timerCountsDown(theme: string): Promise<void> {
    const first = await until('the status bar timer', async () =>
      (await timer().isVisible()) ? timer().innerText() : undefined,
    );
    assert.ok(first.includes(VM), first);
    const left = countdownSeconds(first);
    assert.ok(left > 3500 && left <= 3600, `about an hour left: "${first}"`);
    await page.waitForTimeout(3_000);
    const second = await timer().innerText();
    assert.ok(
      countdownSeconds(second) < countdownSeconds(first),
      `the countdown goes down: "${first}" then "${second}"`,
    );
    await clearNotifications();
    await timer().hover();
    const hover = page.locator('.monaco-hover', { hasText: 'My active JIT grants' });
    await hover.waitFor();
    await screenshot(page, `status-bar-${theme}`, { parts: [timer(), hover], margin: 8 });
    await page.mouse.move(700, 400);
  }

  async function panelShowsGrant(theme: string): Promise<void> {
    await timer().click();
    const frame = webviewFrame(page);
    const row = frame.locator('#rows tr', { hasText: VM });
    await row.waitFor({ timeout: 30_000 });
    const cells = await row.locator('th, td').allInnerTexts();
    assert.equal(cells[0], VM);
    assert.equal(cells[1], '22/tcp');
    assert.equal(cells[2], MY_IP);
    assert.match(cells[3], /^you \(alice\)$/);
    assert.equal(cells[4], `e2e ${theme}`);
    const before = countdownSeconds(await row.locator('.countdown').innerText());
    await until(
      'the panel countdown to tick',
      async () => countdownSeconds(await row.locator('.countdown').innerText()) < before,
    );
    await screenshot(page, `panel-${theme}`, { parts: [page.locator('.part.editor')] });
  }

  async function revokeFromPanel(): Promise<void> {
    const row = webviewFrame(page).locator('#rows tr', { hasText: VM });
    await row.getByRole('button', { name: /^Revoke / }).click();
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor();
    assert.match(await dialog.innerText(), new RegExp(`Revoke your access to ${VM} \\(22/tcp\\)\\?`));
    await dialog.getByRole('button', { name: 'Revoke', exact: true }).click();
    await until('the grant rules to go from the local cloud', async () => (await grantRules()).length === 0);
    await timer().waitFor({ state: 'hidden' });
    await webviewFrame(page).locator('#empty').waitFor({ state: 'visible' });
    // The tree re-reads the estate after a change; a menu used mid-refresh loses its node.
    await until(
      'the tree to show no grant on web-01',
      async () => !(await vmRow().locator('.label-description').innerText()).includes('grant'),
    );
    await page.waitForTimeout(1_000);
  }

  it('lists the demo subscriptions, accounts and VMs under their status groups', async () => {
    await showTree('dark');
    const azure = treeRow(tree, 1, 'Azure');
    assert.deepEqual(await childLabels(tree, azure), ['Contoso Production', 'Contoso Dev']);
    const prod = treeRow(tree, 2, 'Contoso Production');
    assert.deepEqual(await childLabels(tree, prod), ['Can benefit from JIT', 'Not applicable']);
    const canBenefit = await childRow(tree, prod, 'Can benefit from JIT');
    assert.ok((await childLabels(tree, canBenefit)).includes(VM), `${VM} can benefit from JIT`);
    assert.match(
      await vmRow().locator('.label-description').innerText(),
      /^running · 22\/tcp open to any address/,
    );
    const dev = treeRow(tree, 2, 'Contoso Dev');
    assert.deepEqual(await childLabels(tree, dev), ['JIT enabled', 'Can benefit from JIT']);

    const aws = treeRow(tree, 1, 'AWS');
    await azure.locator('.monaco-tl-twistie').click();
    await aws.waitFor();
    const profile = treeRow(tree, 2, 'contoso-prod');
    assert.equal(await profile.locator('.label-description').innerText(), '111122223333');
    assert.ok((await childLabels(tree, profile)).includes('eu-west-1'), 'the demo region is listed');
    const region = treeRow(tree, 3, 'eu-west-1');
    assert.deepEqual(await childLabels(tree, region), ['Can benefit from JIT', 'Healthy without JIT']);
    const healthy = await childRow(tree, region, 'Healthy without JIT');
    assert.ok((await childLabels(tree, healthy)).includes('app-1'), 'app-1 exposes nothing');
    await azure.locator('.monaco-tl-twistie').click();
    await vmRow().waitFor();
  });

  it('enables JIT on web-01 from its context menu and the policy editor', async () => {
    adminUrl = await until('the local cloud admin URL in the log', async () =>
      sandboxAdminUrl(server.userDataDir),
    );
    await vmRow().click({ button: 'right' });
    await chooseMenuItem(page, 'Enable JIT…');
    await waitForQuickInput(page, `JIT policy for ${VM} (1/4)`);
    await page.keyboard.press('Enter'); // the default ports, all pre-selected
    await waitForQuickInput(page, `JIT policy for ${VM} (2/4)`);
    await page.keyboard.press('Enter'); // 3 h maximum
    await waitForQuickInput(page, `JIT policy for ${VM} (3/4)`);
    await page.keyboard.press('Enter'); // any allowed source
    await waitForQuickInput(page, `JIT policy for ${VM} (4/4)`);
    await page.keyboard.press('Enter'); // no justification needed
    await waitForQuickInput(page, `JIT on ${VM}: changes`);
    const plan = await quickInputRows(page);
    assert.ok(
      plan.some((r) => r.startsWith(`Add deny rule 'JitVmAccess-Deny-`)),
      plan.join('\n'),
    );
    await page.keyboard.press('Enter');
    const prod = treeRow(tree, 2, 'Contoso Production');
    await until('web-01 under "JIT enabled"', async () => {
      const groups = await childLabels(tree, prod);
      return (
        groups[0] === 'JIT enabled' &&
        (await childLabels(tree, await childRow(tree, prod, 'JIT enabled'))).includes(VM)
      );
    });
    const deny = (await nsgRules(adminUrl)).filter((r) => r.name.startsWith('JitVmAccess-Deny-'));
    assert.deepEqual(
      deny.map((r) => r.access),
      ['Deny', 'Deny'],
      'a deny rule on the subnet NSG and on the NIC NSG',
    );
    await clearNotifications();
  });

  it('requests access through the context menu and pickers; the status bar counts down', async () => {
    await requestThroughPickers('dark');
    await timerCountsDown('dark');
  });

  it('shows the grant in the panel, and the rule exists in the local cloud', async () => {
    await panelShowsGrant('dark');
    const rules = await grantRules();
    assert.equal(rules.length, 2, 'one allow rule on each NSG in the path');
    for (const r of rules) {
      assert.equal(r.access, 'Allow');
      assert.equal(r.sourceAddressPrefix, MY_IP);
    }
  });

  it('revokes from the panel: the rules are gone and the timer disappears', async () => {
    await revokeFromPanel();
  });

  it('Connect via Remote-SSH without Remote-SSH offers to install it or open a terminal', async () => {
    await vmRow().click({ button: 'right' });
    await chooseMenuItem(page, 'Connect via Remote-SSH');
    const user = quickInput(page);
    await user.locator('.quick-input-message', { hasText: `User name on ${VM}` }).waitFor();
    assert.equal(await user.locator('input').inputValue(), 'azureuser');
    await page.keyboard.press('Enter');
    const toast = page.locator('.notification-toast', { hasText: 'Remote - SSH is not installed' });
    await toast.waitFor({ timeout: 30_000 });
    const buttons = await toast.locator('.monaco-button').allInnerTexts();
    assert.deepEqual(
      buttons.filter((b) => b.trim()),
      ['Install Remote - SSH', 'Open a terminal with ssh'],
    );
    // Access was granted first (port 22, my IP), as the command promises.
    assert.equal((await grantRules()).length, 2);
    await screenshot(page, 'remote-ssh-fallback-dark', { parts: [toast], margin: 8 });
    await clearNotifications();
    await timer().click();
    await revokeFromPanel();
  });

  it('looks right in the default light theme too', async () => {
    await runCommand(page, 'Preferences: Color Theme');
    // The picker labels the built-in themes without "Default " (their ids keep it).
    await page.keyboard.type('Light Modern');
    await quickPickItem(page, /^(Default )?Light Modern$/).click();
    await until('the light theme', async () =>
      (await page.locator('.monaco-workbench').getAttribute('class'))?.split(/\s+/).includes('vs'),
    );
    await page
      .locator('.part.editor .tab .codicon-close')
      .first()
      .click()
      .catch(() => undefined);
    await showTree('light');
    await requestThroughPickers('light');
    await timerCountsDown('light');
    await panelShowsGrant('light');
    await revokeFromPanel();
  });
});
