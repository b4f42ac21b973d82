// A test-runner extension installed beside the product in code-server (which rejects
// --extensionTestsPath): on startup it loads the in-host mocha suites and writes their results to a
// file the end-to-end test reads. It does nothing unless JIT_HOST_TESTS names the suites' index.
import * as fs from 'node:fs';

interface SuiteIndex {
  run(options: { reporterOutput?: string }): Promise<{ passed: number; failed: number; failures: string[] }>;
}

export async function activate(): Promise<void> {
  const index = process.env.JIT_HOST_TESTS;
  const resultFile = process.env.JIT_HOST_RESULTS;
  if (!index || !resultFile) {
    return;
  }
  let result: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const suites = require(index) as SuiteIndex;
    result = await suites.run({});
  } catch (err) {
    result = { passed: 0, failed: 1, failures: [`runner: ${(err as Error).stack ?? String(err)}`] };
  }
  // Written whole, then renamed: the test polling for the file never reads half of it.
  fs.writeFileSync(`${resultFile}.tmp`, JSON.stringify(result));
  fs.renameSync(`${resultFile}.tmp`, resultFile);
}

export function deactivate(): void {}
