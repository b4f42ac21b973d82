// End-to-end: the real `jit` process against a real local cloud (real providers, real HTTP). What the
// CLI prints is checked against what the cloud itself holds, never only against itself.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { startLocalCloud, type LocalCloud } from '../../../src/localcloud/index';
import { assertGrantSources, grantRulePuts, setGrantExpiry, storedGrantRules, waitFor } from './cloudState';
import { CLI, JitCli } from './jitCli';

const MY_IP = '203.0.113.10/32';

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
  afterEach(() => cloud && assertGrantSources(cloud, MY_IP, 'after the test'));
  after(() => cloud?.stop());

  it('request → status shows time left → expiry removes the rules', async () => {
    const since = cloud.traffic.nextSequence;
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
    // The cloud first: exactly the detected address on each of the two NSGs on the path, as sent.
    assert.deepEqual(
      grantRulePuts(cloud, since).map((p) => p.source),
      [MY_IP, MY_IP],
      'one PUT per NSG on the path, each from exactly the detected address',
    );
    const rules = assertGrantSources(cloud, MY_IP, `(request stderr: ${req.stderr})`);
    assert.equal(rules.length, 2);
    assert.equal(req.code, 0, req.stderr);
    assert.match(
      req.stdout,
      /Granted 22\/tcp on web-01 from 203\.0\.113\.10\/32 until \S+ \(59m \d\ds left\)/,
    );

    const status = await jit.run(['status']);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /web-01\s+22\/tcp\s+203\.0\.113\.10\/32\s+alice\s+\S+\s+59m \d\ds/);
    const json = JSON.parse((await jit.run(['status', '--json'])).stdout) as { grants: { msLeft: number }[] };
    assert.ok(json.grants[0].msLeft > 58 * 60_000 && json.grants[0].msLeft <= 3_600_000);

    // Time passes as far as the cloud is concerned: the recorded expiry moves to 15 min from now. The
    // CLI reads the time left from the cloud's metadata, and a sweep leaves an unexpired grant alone.
    setGrantExpiry(cloud, Date.now() + 15 * 60_000);
    assert.match((await jit.run(['status'])).stdout, /web-01\s+22\/tcp\s+\S+\s+alice\s+\S+\s+1[45]m \d\ds/);
    const early = await jit.run(['sweep']);
    assert.equal(early.code, 0, early.stderr);
    assert.match(early.stdout, /nothing to sweep/);
    assert.equal(storedGrantRules(cloud).length, 2);

    // Now it expires in 3 s, with a scheduled sweeper running: the rules go once, and only once, due.
    const expiresAt = Math.ceil((Date.now() + 3000) / 1000) * 1000;
    setGrantExpiry(cloud, expiresAt);
    const watch = jit.spawn(['sweep', '--watch', '--interval', '1s']);
    let watched = '';
    watch.stdout!.on('data', (d: Buffer) => (watched += d.toString()));
    try {
      await waitFor('the sweeper to remove the expired rules', () => storedGrantRules(cloud).length === 0);
      await waitFor('the sweeper to report it', () => /removed expired grant/.test(watched), 5000);
    } finally {
      watch.kill('SIGTERM');
    }
    const removal =
      /(\S+) removed expired grant \w+: 22\/tcp on web-01 from 203\.0\.113\.10\/32 \(alice\)/.exec(watched);
    assert.ok(removal, watched);
    const removedAt = Date.parse(removal[1]);
    assert.ok(
      removedAt >= expiresAt,
      `removed at ${removal[1]}, before the expiry ${new Date(expiresAt).toISOString()}`,
    );
    assert.ok(removedAt <= expiresAt + 10_000, `removed at ${removal[1]}, long after the expiry`);
    assert.match((await jit.run(['status'])).stdout, /No active grants/);
  });

  for (const args of [['--help'], ['ls'], ['status', '--json']]) {
    it(`jit ${args.join(' ')} into a closed pipe exits 0 with nothing on stderr (no EPIPE, no SDK notice)`, async () => {
      // NODE_NO_WARNINGS off: the AWS SDK's Node-version notice must be silenced by jit itself.
      const env = { ...jit.env };
      delete env.NODE_NO_WARNINGS;
      const child = spawn(process.execPath, [CLI, '--local', jit.infoFile, ...args], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout!.destroy(); // the reader is gone before the first write, like `| head -0`
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const [code] = (await once(child, 'close')) as [number];
      assert.equal(stderr, '');
      assert.equal(code, 0);
    });
  }

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
    try {
      await waitFor('the first rule to be written', () => storedGrantRules(cloud).length >= 1, 30_000);
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      child.kill('SIGKILL');
    }
    if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
    cloud.realism.clearFaults();
    assert.equal(storedGrantRules(cloud).length, 1, 'exactly one of the two rules was written');

    const swept = await jit.run(['sweep', '--settle', '1s']);
    assert.equal(swept.code, 0, swept.stderr);
    assert.match(swept.stdout, /repaired web-01: removed grant \w+, only partly written/);
    assert.equal(storedGrantRules(cloud).length, 0);
  });
});
