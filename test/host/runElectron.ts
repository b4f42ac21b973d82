// For contributors who can download VS Code: runs the same in-host suites through the ecosystem's
// standard harness. (These machines cannot reach the download server; the e2e tests use code-server.)
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '../../..');
  await runTests({
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(__dirname, 'electronEntry'),
    launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
