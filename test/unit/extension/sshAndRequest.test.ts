import assert from 'node:assert/strict';
import { formatMessage as t } from '../../../src/extension/l10n';
import {
  durationChoices,
  maxDurationFor,
  portChoices,
  requestInput,
  sourceProblem,
} from '../../../src/extension/request/requestChoices';
import {
  aliasTakenByUser,
  hostAlias,
  proxyCommandLine,
  renderHostEntry,
  upsertHostEntry,
} from '../../../src/extension/ssh/sshConfig';
import { remoteSshHost, sshArgs, sshTarget, usableGrant } from '../../../src/extension/ssh/sshTarget';
import { jitPolicy } from '../engine/builders';
import { grant, jitAzureVm, ME, NOW } from './builders';

describe('ssh target and config entry', () => {
  const vm = jitAzureVm('jit1');

  it("connects to the VM's public IP, or to the firewall DNAT endpoint of the grant", () => {
    assert.deepEqual(sshTarget(vm, undefined, 22), { host: '20.1.1.2', port: 22, viaFirewall: false });
    const viaFw = grant(vm, { connect: [{ port: 22, host: '20.50.60.70', hostPort: 50022 }] });
    assert.deepEqual(sshTarget(vm, viaFw, 22), { host: '20.50.60.70', port: 50022, viaFirewall: true });
    assert.equal(
      remoteSshHost({ host: '20.50.60.70', port: 50022, viaFirewall: true }, 'azureuser'),
      'azureuser@20.50.60.70:50022',
    );
    assert.deepEqual(sshArgs({ host: 'h', port: 50022, viaFirewall: true }, undefined), ['-p', '50022', 'h']);
  });

  it('reuses only my grant on the port that has more than a minute left', () => {
    const mine = grant(vm, { id: 'a', expiresAt: NOW + 10 * 60_000 });
    const almostGone = grant(vm, { id: 'b', expiresAt: NOW + 30_000 });
    const bobs = grant(vm, { id: 'c', requester: 'bob', expiresAt: NOW + 60 * 60_000 });
    const rdp = grant(vm, {
      id: 'd',
      ports: [{ port: 3389, protocol: 'tcp' }],
      expiresAt: NOW + 60 * 60_000,
    });
    const withGrants = { ...vm, grants: [almostGone, bobs, rdp, mine] };
    assert.equal(usableGrant(withGrants, 22, (g) => g.requester === ME, NOW)?.id, 'a');
    assert.equal(
      usableGrant({ ...vm, grants: [almostGone, bobs] }, 22, (g) => g.requester === ME, NOW),
      undefined,
    );
  });

  it('writes a marked host entry with a quoted ProxyCommand and replaces only its own block', () => {
    const entry = {
      alias: hostAlias('Web 01'),
      hostName: '20.1.1.2',
      port: 22,
      user: 'azureuser',
      proxyCommand: proxyCommandLine(
        ['node', '/ext dir/dist/cli.js'],
        ['--subscription', 'x'],
        '/subscriptions/x/vm name',
      ),
    };
    assert.equal(entry.alias, 'jit-web-01');
    assert.equal(
      entry.proxyCommand,
      "node '/ext dir/dist/cli.js' --subscription x ssh-proxy '/subscriptions/x/vm name' %h %p",
    );
    const user = 'Host myserver\n  HostName 10.0.0.1\n';
    const once = upsertHostEntry(user, entry);
    assert.ok(once.startsWith(user));
    assert.ok(once.includes(renderHostEntry(entry)));
    const twice = upsertHostEntry(once, { ...entry, hostName: '20.9.9.9' });
    assert.equal(twice.split('Host jit-web-01').length, 2);
    assert.ok(twice.includes('HostName 20.9.9.9'));
    assert.ok(twice.startsWith(user));
    assert.equal(aliasTakenByUser(twice, 'jit-web-01'), false);
    assert.equal(aliasTakenByUser(twice, 'myserver'), true);
  });

  it("never rewrites or removes the user's own block with the same alias", () => {
    const entry = { alias: 'jit-web-01', hostName: '20.1.1.2', port: 2222 };
    const user = 'Host jit-web-01 other\n  HostName 10.9.9.9\n';
    assert.equal(aliasTakenByUser(user, 'jit-web-01'), true);
    const updated = upsertHostEntry(user, entry);
    assert.ok(updated.startsWith(user));
    assert.ok(updated.includes('  Port 2222'));
    assert.equal(upsertHostEntry(updated, { ...entry, port: 22 }).split('HostName 10.9.9.9').length, 2);
  });
});

describe('request picker choices', () => {
  const policy = jitPolicy('vm', [22, 3389, { port: 5985, maxDurationMs: 60 * 60_000 }]);

  it("pre-selects the OS's login port among the user's default ports", () => {
    const linux = portChoices(policy, 'linux', [22, 3389]);
    assert.deepEqual(
      linux.filter((c) => c.picked).map((c) => c.port.port),
      [22],
    );
    const win = portChoices(policy, 'windows', [22, 3389]);
    assert.deepEqual(
      win.filter((c) => c.picked).map((c) => c.port.port),
      [3389],
    );
    assert.deepEqual(
      portChoices(policy, 'linux', [5985])
        .filter((c) => c.picked)
        .map((c) => c.port.port),
      [22],
    );
  });

  it('offers durations up to the strictest selected port, defaulting at or below the default', () => {
    const max = maxDurationFor(policy, [
      { port: 22, protocol: 'tcp' },
      { port: 5985, protocol: 'tcp' },
    ]);
    assert.equal(max, 60 * 60_000);
    const choices = durationChoices(max, 3 * 60 * 60_000);
    assert.deepEqual(
      choices.map((c) => c.ms / 60_000),
      [15, 30, 60],
    );
    assert.equal(choices.find((c) => c.isDefault)?.ms, 60 * 60_000);
    assert.equal(durationChoices(3 * 3_600_000, 45 * 60_000).find((c) => c.isDefault)?.ms, 30 * 60_000);
  });

  it('checks a typed source against the policy before any cloud call', () => {
    const ports = [{ port: 22, protocol: 'tcp' as const }];
    assert.match(sourceProblem('not-an-ip', policy, ports, t)!, /not an IP address/);
    assert.equal(sourceProblem('203.0.113.0/24', policy, ports, t), undefined);
    const narrow = jitPolicy('vm', [{ port: 22, allowedSourcePrefixes: ['10.0.0.0/8'] }]);
    assert.equal(sourceProblem('10.1.2.3', narrow, ports, t), undefined);
    assert.match(sourceProblem('11.0.0.1', narrow, ports, t)!, /only allows sources inside 10\.0\.0\.0\/8/);
  });

  it('builds the request, dropping a blank justification', () => {
    assert.deepEqual(requestInput('vm', [{ port: 22, protocol: 'tcp' }], { kind: 'myIp' }, 60_000, '  '), {
      vmId: 'vm',
      ports: [{ port: 22, protocol: 'tcp' }],
      source: { kind: 'myIp' },
      durationMs: 60_000,
    });
  });
});
