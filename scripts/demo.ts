// `npm run demo`: builds and packages the extension, then opens VS Code with it installed. With nothing
// configured the extension runs on its embedded local cloud (the demo world), so no account is needed.
// Uses the desktop `code` when it is on the PATH, otherwise a code-server bound to 127.0.0.1.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { packageProduct } from './workbench/packaging';
import { startCodeServer } from './workbench/codeServer';
import { repoRoot } from './workbench/tools';

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Points the extension at its local cloud with the demo world. */
const SANDBOX = { 'jitAccess.sandbox.enabled': true };

/** A folder whose workspace settings select the sandbox, so the desktop user's own settings stay as they are. */
function demoFolder(): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'jit-demo-'));
  fs.mkdirSync(path.join(folder, '.vscode'));
  fs.writeFileSync(path.join(folder, '.vscode', 'settings.json'), JSON.stringify(SANDBOX, null, 2));
  return folder;
}

async function main(): Promise<void> {
  const outDir = path.join(repoRoot, 'dist');
  fs.mkdirSync(outDir, { recursive: true });
  console.log('Building and packaging the extension…');
  const vsix = packageProduct(outDir);
  console.log(
    `Packaged ${path.relative(repoRoot, vsix)} (${(fs.statSync(vsix).size / 1024).toFixed(0)} KiB)`,
  );

  if (onPath('code') && !process.env.JIT_DEMO_CODE_SERVER) {
    execFileSync('code', ['--install-extension', vsix, '--force'], { stdio: 'inherit' });
    execFileSync('code', ['--new-window', demoFolder()], { stdio: 'inherit' });
    console.log('Opened VS Code: the shield "JIT VM Access" in the activity bar shows the local sandbox.');
    return;
  }

  console.log('No desktop `code` on the PATH: starting the VS Code workbench (code-server) on 127.0.0.1…');
  execFileSync('bash', [path.join(repoRoot, 'scripts/setup-workbench.sh')], { stdio: 'inherit' });
  const server = await startCodeServer({ vsixes: [vsix], settings: SANDBOX });
  console.log(
    `\nJIT VM Access demo: ${server.url}\nOpen it in a browser and click the shield "JIT VM Access" in the activity bar. Ctrl+C stops.`,
  );
  if (process.env.DISPLAY && onPath('xdg-open')) {
    spawn('xdg-open', [server.url], { stdio: 'ignore', detached: true }).unref();
  }
  const stop = () => void server.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: Error) => {
  console.error(`demo failed: ${err.message}`);
  process.exit(1);
});
