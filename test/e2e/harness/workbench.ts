// Drives the workbench in Debian's Chromium through playwright-core, as a person would.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
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

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Runs a command through the command palette, the way a user would. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
  await page.keyboard.press('Enter');
}
