// @vscode/test-electron calls run() and expects it to reject when a test fails.
import { run as runSuites } from './index';

export async function run(): Promise<void> {
  const result = await runSuites();
  if (result.failed > 0) {
    throw new Error(`${result.failed} in-host test(s) failed:\n${result.failures.join('\n')}`);
  }
}
