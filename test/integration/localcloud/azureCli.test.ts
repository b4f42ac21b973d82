// The command line: prints exactly one JSON line (LocalCloudInfo) that a real SDK client can use,
// stops cleanly on SIGTERM and saves the world when asked.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { NetworkManagementClient } from '@azure/arm-network';
import type { LocalCloudInfo } from '../../../src/localcloud/index';
import { DEMO_SUBSCRIPTIONS } from '../../../src/localcloud/worlds/azureDemo';
import { tokenCredential } from './azureClients';

const MAIN = resolve(__dirname, '../../../src/localcloud/main.js');

describe('local cloud (Azure): command line', () => {
  it('prints one JSON line, serves the SDK, and stops on SIGTERM saving the world', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-cli-'));
    const savePath = join(dir, 'world.json');
    const child = spawn(process.execPath, [MAIN, '--world', 'demo', '--latency', '1', '--save', savePath], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const lines: string[] = [];
      const reader = createInterface({ input: child.stdout });
      const first = await new Promise<string>((res, rej) => {
        reader.on('line', (l) => {
          lines.push(l);
          res(l);
        });
        child.on('exit', (code) => rej(new Error(`exited ${code}`)));
      });
      const info = JSON.parse(first) as LocalCloudInfo;
      assert.equal(info.event, 'ready');
      assert.match(info.azure.endpoint, /^https:\/\/127\.0\.0\.1:\d+$/);
      assert.match(info.azure.caPem, /BEGIN CERTIFICATE/);
      assert.deepEqual(
        info.azure.principals.map((p) => p.name),
        ['alice', 'bob', 'reader'],
      );
      assert.equal(info.admin.length, 2);
      const alice = info.azure.principals[0];
      const network = new NetworkManagementClient(
        tokenCredential(alice.token),
        DEMO_SUBSCRIPTIONS.production,
        { endpoint: info.azure.endpoint, tlsOptions: { ca: info.azure.caPem } },
      );
      assert.equal((await network.networkSecurityGroups.get('rg-prod-web', 'web-01-nsg')).name, 'web-01-nsg');
      const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
      assert.equal(lines.length, 1, 'exactly one line on stdout');
      assert.ok(existsSync(savePath));
      const saved = JSON.parse(readFileSync(savePath, 'utf8'));
      assert.equal(saved.azure.subscriptions.length, 2);
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
