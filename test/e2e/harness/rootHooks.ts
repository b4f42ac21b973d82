// Mocha root hook (.mocharc.e2e.json "require"): bundles and packages the .vsix files once, before
// any end-to-end suite, with a timeout that fits a cold webpack build on a small machine.
import type { RootHookObject } from 'mocha';
import { packages } from './packages';

export const mochaHooks: RootHookObject = {
  beforeAll(this: Mocha.Context) {
    this.timeout(900_000);
    const started = Date.now();
    const { product } = packages();
    console.log(`  packaged ${product} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  },
};
