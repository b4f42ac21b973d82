// Entry point of the in-host mocha suites: they run inside a real extension host, with the real
// `vscode` API, started either by the code-server test-runner extension (test/e2e) or by
// @vscode/test-electron (test/host/runElectron.ts) for contributors who can download VS Code.
import * as path from 'node:path';
import * as fs from 'node:fs';
import Mocha from 'mocha';

export interface HostRunResult {
  passed: number;
  failed: number;
  failures: string[];
  tests: { title: string; state: string; durationMs?: number }[];
}

export function run(): Promise<HostRunResult> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
  for (const file of fs.readdirSync(__dirname).sort()) {
    if (file.endsWith('.host.test.js')) {
      mocha.addFile(path.join(__dirname, file));
    }
  }
  return new Promise((resolve) => {
    const result: HostRunResult = { passed: 0, failed: 0, failures: [], tests: [] };
    const runner = mocha.run(() => resolve(result));
    runner.on('pass', (test) => {
      result.passed++;
      result.tests.push({ title: test.fullTitle(), state: 'passed', durationMs: test.duration });
    });
    runner.on('fail', (test, err: Error) => {
      result.failed++;
      result.failures.push(`${test.fullTitle()}: ${err.stack ?? err.message}`);
      result.tests.push({ title: test.fullTitle(), state: 'failed' });
    });
  });
}
