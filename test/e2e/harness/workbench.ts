// Drives the workbench in Debian's Chromium through playwright-core, as a person would: mouse on the
// tree and menus, keyboard in the pickers. Screenshots land in test-results/screenshots/.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type FrameLocator, type Locator, type Page } from 'playwright-core';
import { chromiumPath, repoRoot } from '../../../scripts/workbench/tools';

export const screenshotDir = path.join(repoRoot, 'test-results/screenshots');

export interface Workbench {
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

export async function openWorkbench(url: string): Promise<Workbench> {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench .part.statusbar', { timeout: 90_000 });
  return { browser, page, close: () => browser.close() };
}

/** Saves a screenshot of the page, or of the box around some of its parts (grown by `margin`). */
export async function screenshot(
  page: Page,
  name: string,
  area?: { parts: Locator[]; margin?: number },
): Promise<string> {
  fs.mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  if (!area) {
    await page.screenshot({ path: file });
    return file;
  }
  const boxes = await Promise.all(area.parts.map((p) => p.boundingBox()));
  if (boxes.some((b) => !b)) throw new Error(`a part to screenshot for ${name} is not showing`);
  const m = area.margin ?? 0;
  const viewport = page.viewportSize()!;
  const x = Math.max(0, Math.min(...boxes.map((b) => b!.x)) - m);
  const y = Math.max(0, Math.min(...boxes.map((b) => b!.y)) - m);
  const right = Math.min(viewport.width, Math.max(...boxes.map((b) => b!.x + b!.width)) + m);
  const bottom = Math.min(viewport.height, Math.max(...boxes.map((b) => b!.y + b!.height)) + m);
  await page.screenshot({ path: file, clip: { x, y, width: right - x, height: bottom - y } });
  return file;
}

/** Runs a command through the command palette, the way a user would. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  // Click the entry with exactly this title: Enter would take whichever entry ranks first.
  await quickPickItem(page, title).click();
}

export const quickInput = (page: Page): Locator => page.locator('.quick-input-widget');

/** The entry of the picker showing now whose label is exactly `label` (or matches it). */
export function quickPickItem(page: Page, label: string | RegExp): Locator {
  const exact = typeof label === 'string' ? new RegExp(`^${escapeRegExp(label)}$`) : label;
  return quickInput(page)
    .locator('.quick-input-list .monaco-list-row', {
      has: page.locator('.label-name', { hasText: exact }),
    })
    .first();
}

/** Waits until the picker or input box titled `title` is showing and no longer busy. */
export async function waitForQuickInput(page: Page, title: string | RegExp): Promise<Locator> {
  const widget = quickInput(page);
  await widget
    .locator('.quick-input-title', { hasText: title })
    .waitFor({ state: 'visible', timeout: 30_000 });
  await widget
    .locator('.quick-input-progress.active')
    .waitFor({ state: 'hidden' })
    .catch(() => undefined);
  return widget;
}

/** The visible rows of the picker showing now. */
export async function quickInputRows(page: Page): Promise<string[]> {
  return quickInput(page).locator('.quick-input-list .monaco-list-row').allInnerTexts();
}

/** Drags the sash between the side bar and the editor so tree rows show their descriptions. */
export async function widenSideBar(page: Page, width: number): Promise<void> {
  const sidebar = page.locator('.part.sidebar');
  const box = (await sidebar.boundingBox())!;
  const sash = page.locator('.monaco-sash.vertical').filter({ visible: true }).first();
  const sashes = await page.locator('.monaco-sash.vertical').all();
  let target = sash;
  for (const s of sashes) {
    const b = await s.boundingBox();
    if (b && Math.abs(b.x - (box.x + box.width)) < 6) target = s;
  }
  const b = (await target.boundingBox())!;
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + width, b.y + b.height / 2, { steps: 5 });
  await page.mouse.up();
}

/**
 * Opens the view container titled `title` from the activity bar, as a user clicks its icon, and
 * returns its one view pane.
 */
export async function activityView(page: Page, title: string): Promise<Locator> {
  await page.locator(`.activitybar .action-item .action-label[aria-label^="${title}"]`).click();
  const pane = page.locator('.part.sidebar .pane').first();
  await pane.waitFor({ state: 'visible' });
  return pane;
}

/** A tree row by its label at a depth (1 = roots); `exact` matches the label, not the description. */
export function treeRow(pane: Locator, level: number, label: string): Locator {
  return pane.locator(`.monaco-list-row[aria-level="${level}"]`, {
    has: pane.page().locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }),
  });
}

/** The row labelled `label` one level below `parent` (rendered rows only). */
export async function childRow(pane: Locator, parent: Locator, label: string): Promise<Locator> {
  const children = await childRows(pane, parent);
  const child = children.find((c) => c.label === label);
  if (!child)
    throw new Error(`no "${label}" under the row; its children: ${children.map((c) => c.label).join(', ')}`);
  return pane.locator(`.monaco-list-row[data-index="${child.index}"]`);
}

/** Labels of the rows one level below `parent`, as the tree shows them now (rendered rows only). */
export async function childLabels(pane: Locator, parent: Locator): Promise<string[]> {
  return (await childRows(pane, parent)).map((c) => c.label);
}

async function childRows(pane: Locator, parent: Locator): Promise<{ index: number; label: string }[]> {
  const parentIndex = Number(await parent.getAttribute('data-index'));
  const parentLevel = Number(await parent.getAttribute('aria-level'));
  const rows = await pane.locator('.monaco-list-row').evaluateAll((els) =>
    els.map((el) => ({
      index: Number(el.getAttribute('data-index')),
      level: Number(el.getAttribute('aria-level')),
      label: el.querySelector('.label-name')?.textContent ?? '',
    })),
  );
  const below = rows.filter((r) => r.index > parentIndex).sort((a, b) => a.index - b.index);
  const end = below.findIndex((r) => r.level <= parentLevel);
  return (end < 0 ? below : below.slice(0, end)).filter((r) => r.level === parentLevel + 1);
}

/** Clicks an entry of the open context menu. */
export async function chooseMenuItem(page: Page, label: string): Promise<void> {
  const menu = page.locator('.context-view .monaco-menu');
  await menu.waitFor();
  // A click that lands while the menu is still opening is ignored by the workbench: let it settle.
  await page.waitForTimeout(300);
  await menu.locator('.action-label', { hasText: label }).click();
  await menu.waitFor({ state: 'hidden' });
}

/** The page inside a webview panel (code-server nests it in two iframes). */
export function webviewFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/** Seconds in a "m:ss" or "h:mm:ss" countdown. */
export function countdownSeconds(text: string): number {
  const match = /(\d+(?::\d\d){1,2})/.exec(text);
  if (!match) throw new Error(`no countdown in "${text}"`);
  return match[1].split(':').reduce((acc, part) => acc * 60 + Number(part), 0);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
