// Builds the product .vsix exactly as a user would install it, and a .vsix of the in-host test runner.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from './tools';

const vsce = path.join(repoRoot, 'node_modules/.bin/vsce');
const VSCE_PACKAGE = ['package', '--no-dependencies', '--skip-license', '--allow-missing-repository'];

/** Bundles (unless `bundle` is false: dist/ is already current) and packages the extension. */
export function packageProduct(outDir: string, options: { bundle?: boolean } = {}): string {
  const out = path.join(outDir, 'jit-vm-access.vsix');
  if (options.bundle !== false)
    execFileSync('npm', ['run', '--silent', 'bundle'], { cwd: repoRoot, stdio: 'pipe' });
  // The README's images are relative (docs/images/) and the package names no repository to rewrite them against.
  execFileSync(vsce, [...VSCE_PACKAGE, '--no-rewrite-relative-links', '--out', out], {
    cwd: repoRoot,
    stdio: 'pipe',
  });
  return out;
}

export function packageHostRunner(outDir: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jit-runner-'));
  const compiled = path.join(repoRoot, 'out/test/e2e/runner/extension.js');
  fs.copyFileSync(compiled, path.join(dir, 'extension.js'));
  fs.writeFileSync(path.join(dir, 'README.md'), 'Runs JIT VM Access in-host tests.\n');
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({
      name: 'jit-host-test-runner',
      displayName: 'JIT VM Access in-host test runner',
      publisher: 'jit-vm-access',
      version: '0.0.1',
      engines: { vscode: '^1.95.0' },
      main: './extension.js',
      activationEvents: ['onStartupFinished'],
      extensionDependencies: ['jit-vm-access.jit-vm-access'],
    }),
  );
  const out = path.join(outDir, 'jit-host-test-runner.vsix');
  execFileSync(vsce, [...VSCE_PACKAGE, '--out', out], {
    cwd: dir,
    stdio: 'pipe',
  });
  fs.rmSync(dir, { recursive: true, force: true });
  return out;
}
