// End-to-end: the real `jit` process against a real local cloud (real providers, real HTTP).
import assert from 'node:assert/strict';
import { decodeAzureRule } from '../../../src/engine/metadata';
import { startLocalCloud, type LocalCloud } from '../../../src/localcloud/index';
import { JitCli } from './jitCli';

interface AzureRes {
  id: string;
  type?: string;
  properties?: {
    securityRules?: { name: string; properties: { description?: string; sourceAddressPrefix?: string } }[];
  };
}

/** Our grant rules in the local cloud's Azure NSGs (straight from the emulator's world state). */
function grantRules(
  cloud: LocalCloud,
): { nsg: string; name: string; description: string; source?: string }[] {
  const resources = (cloud.state().azure as unknown as { resources: Record<string, AzureRes> | AzureRes[] })
    .resources;
  const list = Array.isArray(resources) ? resources : Object.values(resources);
  return list
    .filter(
      (r) => /networkSecurityGroups$/i.test(r.type ?? '') || /networkSecurityGroups\/[^/]+$/i.test(r.id),
    )
    .flatMap((r) =>
      (r.properties?.securityRules ?? []).map((rule) => ({
        nsg: r.id,
        name: rule.name,
        description: rule.properties.description ?? '',
        source: rule.properties.sourceAddressPrefix,
      })),
    )
    .filter((r) => {
      const m = decodeAzureRule(r);
      return m?.origin === 'jit-vm-access' && m.kind === 'grant';
    });
}

describe('jit CLI end to end (local cloud)', function () {
  this.timeout(120_000);
  let cloud: LocalCloud;
  let jit: JitCli;

  before(async () => {
    cloud = await startLocalCloud({ world: 'demo' });
    jit = new JitCli(cloud);
    const enabled = await jit.run(['enable', 'web-01', '-p', '22', '-p', '3389', '--max', '3h']);
    assert.equal(enabled.code, 0, enabled.stderr);
  });
  after(() => cloud?.stop());

  it('request → status shows time left → expiry removes the rules', async () => {
    const req = await jit.run([
      'request',
      'web-01',
      '--port',
      '22',
      '--for',
      '1h',
      '--from',
      'myip',
      '--why',
      'deploy',
    ]);
    assert.equal(req.code, 0, req.stderr);
    assert.match(req.stdout, /Granted 22\/tcp on web-01 from 203\.0\.113\.10\/32/);
    assert.deepEqual(
      grantRules(cloud).map((r) => r.source),
      ['203.0.113.10/32', '203.0.113.10/32'],
      'one allow rule from exactly the detected address on each of the two NSGs on the path',
    );

    const status = await jit.run(['status']);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /web-01\s+22\/tcp\s+203\.0\.113\.10\/32\s+alice\s+\S+\s+59m \d\ds/);
    const json = JSON.parse((await jit.run(['status', '--json'])).stdout) as { grants: { msLeft: number }[] };
    assert.ok(json.grants[0].msLeft > 58 * 60_000 && json.grants[0].msLeft <= 3_600_000);

    // Time passes as far as the cloud is concerned: move the recorded expiry to 2 s from now.
    const state = cloud.state();
    const soon = new Date(Date.now() + 2000).toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
    const text = JSON.stringify(state).replace(/( x=)\d{8}T\d{6}Z/g, `$1${soon}`);
    cloud.load(JSON.parse(text));
    const early = await jit.run(['sweep']);
    assert.equal(early.code, 0, early.stderr);
    assert.match(early.stdout, /nothing to sweep/);
    assert.equal(grantRules(cloud).length, 2);

    await new Promise((r) => setTimeout(r, 2500));
    const swept = await jit.run(['sweep']);
    assert.equal(swept.code, 0, swept.stderr);
    assert.match(
      swept.stdout,
      /removed expired grant \w+: 22\/tcp on web-01 from 203\.0\.113\.10\/32 \(alice\)/,
    );
    assert.equal(grantRules(cloud).length, 0);
    assert.match((await jit.run(['status'])).stdout, /No active grants/);
  });

  it('a grant left by a process killed between two cloud writes is cleaned by jit sweep', async () => {
    // The second grant-rule PUT never answers; the CLI is killed while waiting for it.
    cloud.realism.addFault({
      cloud: 'azure',
      method: 'PUT',
      pathPattern: 'securityRules/JitVmAccess-Grant',
      nth: 2,
      effect: 'hang',
    });
    const child = jit.spawn(['request', 'web-01', '--port', '3389', '--for', '30m']);
    const deadline = Date.now() + 30_000;
    while (grantRules(cloud).length < 1 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 500));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    cloud.realism.clearFaults();
    assert.equal(grantRules(cloud).length, 1, 'exactly one of the two rules was written');

    const swept = await jit.run(['sweep', '--settle', '1s']);
    assert.equal(swept.code, 0, swept.stderr);
    assert.match(swept.stdout, /repaired web-01: removed grant \w+, only partly written/);
    assert.equal(grantRules(cloud).length, 0);
  });
});
