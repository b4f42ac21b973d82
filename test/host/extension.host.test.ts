// In the real workbench: activation, the demo world's tree, request/revoke through the commands,
// and what the status bar and the grants panel then show.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { JitAccessApi } from '../../src/extension/api';
import type { RequestOutcome } from '../../src/grants/api';
import { activatedApi, flatten, labelPath, useSandbox, waitFor } from './helpers';

const VM = 'web-01';

/** Enables JIT for SSH from any source on the VM through the command, without the confirmation. */
function enableSshJit(vmId: string, maxDurationMs: number): Thenable<unknown> {
  return vscode.commands.executeCommand('jitAccess.enableJit', {
    vmId,
    confirm: false,
    policy: {
      vmId,
      requireJustification: false,
      ports: [{ port: 22, protocol: 'tcp', allowedSourcePrefixes: ['*'], maxDurationMs }],
    },
  });
}

describe('JIT Access in the extension host', function () {
  let api: JitAccessApi;

  before(async () => {
    api = await activatedApi();
  });

  it('activates fast, without loading the grant service', function () {
    // The figure goes into the result file with the title.
    this.test!.title += ` (${api.activation.durationMs.toFixed(1)} ms)`;
    assert.ok(api.activation.durationMs < 50, `activation took ${api.activation.durationMs.toFixed(1)} ms`);
    assert.equal(api.localCloud(), undefined, 'the local cloud must not start at activation');
  });

  it('contributes every command under the JIT Access category', async () => {
    const all = await vscode.commands.getCommands(true);
    for (const id of [
      'jitAccess.requestAccess',
      'jitAccess.revokeGrant',
      'jitAccess.connectSsh',
      'jitAccess.showGrants',
    ]) {
      assert.ok(all.includes(id), `${id} is registered`);
    }
  });

  it('shows the demo world in the tree once the sandbox is selected', async () => {
    await useSandbox(api);
    assert.ok(api.localCloud()?.azureEndpoint.startsWith('https://127.0.0.1:'));
    const roots = await waitFor('tree roots', () =>
      api.tree.currentRoots.length >= 2 ? api.tree.currentRoots : undefined,
    );
    assert.deepEqual(
      roots.map((r) => r.label),
      ['Azure', 'AWS'],
    );
    assert.equal(roots[0].description, 'local sandbox');
    const path = labelPath(roots, VM);
    assert.deepEqual(path?.slice(0, 1), ['Azure']);
    assert.equal(path?.[2], 'Can benefit from JIT');
    const vm = flatten(roots).find((n) => n.label === VM)!;
    assert.match(vm.description ?? '', /^running · 22\/tcp open to /);
    assert.ok(
      flatten(roots).some((n) => n.kind === 'region'),
      'AWS regions are listed',
    );
  });

  it('enables JIT, requests access, shows the timer and panel, and revokes through the commands', async () => {
    const vmId = api.estate.snapshot!.vms.find((v) => v.vm.name === VM)!.vm.id;
    await enableSshJit(vmId, 3 * 3_600_000);
    await waitFor(
      'web-01 under JIT enabled',
      () => labelPath(api.tree.currentRoots, VM)?.[2] === 'JIT enabled',
    );

    const outcome = (await vscode.commands.executeCommand('jitAccess.requestAccess', {
      vmId,
      ports: [{ port: 22, protocol: 'tcp' }],
      source: { kind: 'myIp' },
      durationMs: 30 * 60_000,
      justification: 'in-host test',
    })) as RequestOutcome | undefined;
    assert.ok(outcome, 'the request returned its outcome');
    assert.equal(outcome.grant.vmName, VM);

    const text = await waitFor('the status bar timer', () => api.statusBar.text);
    assert.match(text, /web-01 (29|30):\d\d/);
    const grantNode = await waitFor('the grant in the tree', () =>
      flatten(api.tree.currentRoots).find((n) => n.kind === 'grant' && n.id === `grant:${outcome.grant.id}`),
    );
    assert.match(grantNode.description ?? '', /^you · 30 min left$/);

    await vscode.commands.executeCommand('jitAccess.showGrants');
    assert.ok(api.panel.isOpen);
    const row = await waitFor('the panel row', () => api.panel.rows.find((r) => r.id === outcome.grant.id));
    assert.equal(row.vmName, VM);
    assert.equal(row.justification, 'in-host test');
    assert.equal(row.mine, true);

    await vscode.commands.executeCommand('jitAccess.revokeGrant', {
      grantId: outcome.grant.id,
      confirm: false,
    });
    await waitFor('the timer to hide', () => api.statusBar.text === undefined || undefined);
    await waitFor('the panel row to go', () => !api.panel.rows.some((r) => r.id === outcome.grant.id));

    await vscode.commands.executeCommand('jitAccess.disableJit', { vmId, confirm: false });
    await waitFor(
      'web-01 back under Can benefit',
      () => labelPath(api.tree.currentRoots, VM)?.[2] === 'Can benefit from JIT',
    );
  });

  it('connects via Remote-SSH after ensuring a grant on port 22', async () => {
    const cvm = api.estate.snapshot!.vms.find((v) => v.vm.name === 'web-02')!;
    const vmId = cvm.vm.id;
    await enableSshJit(vmId, 3_600_000);
    await waitFor(
      'web-02 under JIT enabled',
      () => labelPath(api.tree.currentRoots, 'web-02')?.[2] === 'JIT enabled',
    );
    const result = (await vscode.commands.executeCommand('jitAccess.connectSsh', {
      vmId,
      userName: 'alice',
      fallback: 'none',
    })) as { host: string; port: number; grantId?: string } | undefined;
    assert.ok(result?.grantId, 'a grant was requested');
    const publicIp = cvm.vm.interfaces.flatMap((n) => n.publicIps)[0];
    assert.deepEqual([result.host, result.port], [publicIp, 22]);
    assert.match(await waitFor('the status bar timer', () => api.statusBar.text), /web-02 \d+:\d\d/);
    await vscode.commands.executeCommand('jitAccess.revokeGrant', {
      grantId: result.grantId,
      confirm: false,
    });
    await vscode.commands.executeCommand('jitAccess.disableJit', { vmId, confirm: false });
  });
});
