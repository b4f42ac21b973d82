// `jit ssh-proxy` as a real ssh client's ProxyCommand, to a real sshd on loopback. Between the two sits
// a gate standing in for the VM's NSG: it lets a connection through only if the local cloud holds a
// grant rule for the port from the caller's address at the moment the connection arrives, so a proxy
// that relayed before (or without) granting fails the test.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { startLocalCloud, type LocalCloud } from '../../../src/localcloud/index';
import { assertGrantSources, grantRulePuts, storedGrantRules } from './cloudState';
import { CLI, JitCli } from './jitCli';
import { LoopbackSshd, SSHD } from './sshd';

const MY_IP = '203.0.113.10/32';

/** Accepts on a free loopback port; relays to `target` only when `allowed()` says so at accept time. */
async function startGate(
  target: number,
  allowed: () => boolean,
): Promise<{ server: Server; port: number; refused: number }> {
  const gate = { server: createServer(), port: 0, refused: 0 };
  gate.server.on('connection', (inbound: Socket) => {
    if (!allowed()) {
      gate.refused++;
      inbound.destroy();
      return;
    }
    const outbound = connect({ host: '127.0.0.1', port: target });
    inbound.pipe(outbound).pipe(inbound);
    inbound.on('error', () => outbound.destroy());
    outbound.on('error', () => inbound.destroy());
  });
  await new Promise<void>((resolve) => gate.server.listen(0, '127.0.0.1', resolve));
  gate.port = (gate.server.address() as { port: number }).port;
  return gate;
}

function ssh(
  jit: JitCli,
  sshd: LoopbackSshd,
  port: number,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const proxy = `${process.execPath} ${CLI} --local ${jit.infoFile} ssh-proxy web-02 %h %p --for 30m --from myip`;
  const args = [
    '-F',
    '/dev/null',
    '-i',
    sshd.userKey,
    '-o',
    'StrictHostKeyChecking=no',
    '-o',
    'UserKnownHostsFile=/dev/null',
    '-o',
    'BatchMode=yes',
    '-o',
    'ConnectTimeout=20',
    '-o',
    `ProxyCommand=${proxy}`,
    '-p',
    String(port),
    `${sshd.user}@127.0.0.1`,
    'echo ok',
  ];
  return new Promise((resolve) => {
    execFile('ssh', args, { env: jit.env, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 99) : 0, stdout, stderr }),
    );
  });
}

describe('jit ssh-proxy with a real ssh client and sshd', function () {
  this.timeout(120_000);
  let cloud: LocalCloud;
  let jit: JitCli;
  let sshd: LoopbackSshd;
  let gate: Awaited<ReturnType<typeof startGate>>;

  /** Whether the cloud holds a grant rule for the gate's port from exactly the caller's address. */
  const granted = () =>
    storedGrantRules(cloud).some(
      (r) => r.sources.length === 1 && r.sources[0] === MY_IP && r.ports.includes(String(gate.port)),
    );

  before(async function () {
    if (!existsSync(SSHD)) this.skip();
    cloud = await startLocalCloud({ world: 'demo' });
    jit = new JitCli(cloud);
    sshd = await LoopbackSshd.start();
    gate = await startGate(sshd.port, granted);
    // The "management port" is the gate's loopback port: ssh's %p is what the proxy asks a grant for.
    const enabled = await jit.run(['enable', 'web-02', '-p', String(gate.port), '--max', '1h']);
    assert.equal(enabled.code, 0, enabled.stderr);
    assert.equal(storedGrantRules(cloud).length, 0);
  });
  after(async () => {
    gate?.server.close();
    await sshd?.stop();
    await cloud?.stop();
  });

  it('grants before the first byte flows, then ssh runs the command', async () => {
    const since = cloud.traffic.nextSequence;
    const first = await ssh(jit, sshd, gate.port);
    assert.equal(gate.refused, 0, `the proxy connected before the grant existed; ssh: ${first.stderr}`);
    assert.equal(first.code, 0, `ssh: ${first.stderr}\nsshd: ${sshd.output}`);
    assert.equal(first.stdout.trim(), 'ok');
    assert.match(first.stderr, /Requesting port \d+ on web-02 from 203\.0\.113\.10\/32/);
    const puts = grantRulePuts(cloud, since);
    assert.ok(
      puts.length >= 1 && puts.every((p) => p.source === MY_IP),
      JSON.stringify(puts.map((p) => p.source)),
    );
    assertGrantSources(cloud, MY_IP);
  });

  it('a second connection reuses the active grant: no cloud write', async () => {
    const since = cloud.traffic.nextSequence;
    const second = await ssh(jit, sshd, gate.port);
    assert.equal(second.code, 0, `ssh: ${second.stderr}`);
    assert.equal(second.stdout.trim(), 'ok');
    assert.match(second.stderr, /Using grant \w+ on web-02 \(\d+m \d\ds left\)/);
    assert.deepEqual(cloud.traffic.writes({ since }), [], 'no cloud writes');
    assert.equal(gate.refused, 0);
  });

  it('without a grant the gate refuses: the check can fail', async () => {
    const revoked = await jit.run(['revoke', 'web-02']);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal(granted(), false);
    const socket = connect({ host: '127.0.0.1', port: gate.port });
    await new Promise((resolve) => socket.once('close', resolve));
    assert.equal(gate.refused, 1);
  });
});
