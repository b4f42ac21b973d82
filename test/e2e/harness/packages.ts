// The .vsix files every end-to-end test installs, built once per mocha run: bundling is the slow
// part (about a minute or two), so all suites share one packaging.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { packageHostRunner, packageProduct } from '../../../scripts/workbench/packaging';

export interface Packages {
  product: string;
  hostRunner: string;
}

let built: Packages | undefined;

export function packages(): Packages {
  if (!built) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jit-vsix-'));
    // JIT_E2E_SKIP_BUNDLE=1 packages the dist/ already built (when iterating on the tests alone).
    const bundle = process.env.JIT_E2E_SKIP_BUNDLE !== '1';
    built = { product: packageProduct(dir, { bundle }), hostRunner: packageHostRunner(dir) };
  }
  return built;
}
