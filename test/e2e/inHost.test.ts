// Runs the in-host mocha suites (test/host) inside the real VS Code extension host: code-server with
// our .vsix and the test-runner extension installed, a Chromium window open (the extension host only
// starts with a window), and the runner's result file read back here.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startCodeServer, type CodeServer } from '../../scripts/workbench/codeServer';
import { repoRoot } from '../../scripts/workbench/tools';
import type { HostRunResult } from '../host/index';
import { packages } from './harness/packages';
import { openWorkbench, type Workbench } from './harness/workbench';

/** The in-host tests there are (test/host/*.host.test.ts); a run reporting fewer lost some. */
const EXPECTED_HOST_TESTS = 5;

describe('in-host suites in the real extension host (code-server)', function () {
  let server: CodeServer | undefined;
  let workbench: Workbench | undefined;
  const resultFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'jit-host-results-')), 'results.json');

  after(async () => {
    await workbench?.close();
    await server?.stop();
    fs.rmSync(path.dirname(resultFile), { recursive: true, force: true });
  });

  it('passes every in-host test', async function () {
    const { product, hostRunner } = packages();
    server = await startCodeServer({
      vsixes: [product, hostRunner],
      env: {
        JIT_HOST_TESTS: path.join(repoRoot, 'out/test/host/index.js'),
        JIT_HOST_RESULTS: resultFile,
      },
    });
    workbench = await openWorkbench(server.url);
    const result = await waitForFile(resultFile, 180_000, () => server!.log());
    for (const t of result.tests) {
      console.log(`      ${t.state === 'passed' ? '✔' : '✘'} [host] ${t.title}`);
    }
    assert.deepEqual(result.failures, [], 'in-host failures');
    assert.equal(result.failed, 0);
    assert.ok(
      result.passed >= EXPECTED_HOST_TESTS,
      `expected at least ${EXPECTED_HOST_TESTS} in-host tests to pass, got ${result.passed}`,
    );
  });
});

async function waitForFile(file: string, timeoutMs: number, log: () => string): Promise<HostRunResult> {
  const deadline = Date.now() + timeoutMs;
  while (!fs.existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`no in-host results after ${timeoutMs} ms:\n${log()}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  return JSON.parse(fs.readFileSync(file, 'utf8')) as HostRunResult;
}
