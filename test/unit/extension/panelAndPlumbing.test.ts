import assert from 'node:assert/strict';
import { auditLine } from '../../../src/extension/audit/auditLine';
import { tokenExpiry } from '../../../src/extension/accounts/tokenExpiry';
import { portalUrl } from '../../../src/extension/commands/portalUrl';
import { formatMessage as t } from '../../../src/extension/l10n';
import { contentSecurityPolicy, renderPanelHtml } from '../../../src/extension/panel/panelHtml';
import { panelRows, parsePageMessage } from '../../../src/extension/panel/panelModel';
import { draftFrom, parsePortList, policyFrom } from '../../../src/extension/request/policyDraft';
import { buildDetails } from '../../../src/extension/request/details';
import { connectionPlan } from '../../../src/extension/services/connectionPlan';
import { failureOf } from '../../../src/extension/tree/failure';
import { applyGrantEvent } from '../../../src/extension/tree/grantUpdates';
import { AZURE_SCOPE, exposedAwsVm, exposedAzureVm, grant, jitAzureVm, ME, NOW, snapshot } from './builders';

const isMine = (g: { requester: string }) => g.requester === ME;

describe('grants panel model and page', () => {
  const vm = jitAzureVm();
  const mine = grant(vm, { id: 'a', expiresAt: NOW + 60_000, justification: 'deploy' });
  const bobs = grant(vm, { id: 'b', requester: 'bob', createdAt: undefined, expiresAt: NOW + 10 * 60_000 });
  const gone = grant(vm, { id: 'c', expiresAt: NOW - 1 });

  it('lists active grants soonest first with absolute times and a start for the progress bar', () => {
    const rows = panelRows([bobs, gone, mine], isMine, () => NOW - 5_000, NOW);
    assert.deepEqual(
      rows.map((r) => [r.id, r.mine, r.ports, r.startedAt]),
      [
        ['a', true, '22/tcp', mine.createdAt],
        ['b', false, '22/tcp', NOW - 5_000],
      ],
    );
    assert.equal(rows[0].justification, 'deploy');
    assert.equal(rows[0].expiresAt, mine.expiresAt);
    assert.equal('justification' in rows[1], false);
  });

  it('accepts only well-formed messages from the page', () => {
    assert.deepEqual(parsePageMessage({ type: 'revoke', grantId: 'a' }), { type: 'revoke', grantId: 'a' });
    assert.deepEqual(parsePageMessage({ type: 'ready', extra: 1 }), { type: 'ready' });
    assert.equal(parsePageMessage({ type: 'revoke', grantId: 7 }), undefined);
    assert.equal(parsePageMessage({ type: 'exec', command: 'rm' }), undefined);
    assert.equal(parsePageMessage('revoke'), undefined);
  });

  it('renders a page with a strict CSP, a nonce on its only script and no inline handlers', () => {
    const html = renderPanelHtml({
      cspSource: 'vscode-webview://x',
      nonce: 'abc123',
      scriptUri: 'vscode-webview://x/media/grantsPanel.js',
      styleUri: 'vscode-webview://x/media/grantsPanel.css',
      title: 'Active <JIT> grants',
      lang: 'en',
    });
    assert.equal(
      contentSecurityPolicy('vscode-webview://x', 'abc123'),
      "default-src 'none'; style-src vscode-webview://x; img-src vscode-webview://x https:; font-src vscode-webview://x; script-src 'nonce-abc123'",
    );
    assert.ok(html.includes(`content="default-src &#39;none&#39;;`));
    assert.equal(html.match(/<script/g)?.length, 1);
    assert.ok(html.includes('<script nonce="abc123" src="vscode-webview://x/media/grantsPanel.js">'));
    assert.ok(html.includes('Active &#60;JIT&#62; grants'));
    assert.doesNotMatch(html, /\son[a-z]+=/);
    assert.match(html, /aria-live="polite"/);
  });
});

describe('policy editor draft', () => {
  it('starts from the default ports and duration, or from the current policy', () => {
    const fresh = draftFrom(undefined, [22, 3389, 5985, 5986], 3 * 3_600_000);
    assert.deepEqual(fresh, {
      ports: [22, 3389, 5985, 5986],
      maxDurationMs: 3 * 3_600_000,
      allowedSourcePrefixes: ['*'],
      requireJustification: false,
    });
    assert.equal(
      draftFrom(undefined, [22], 10).maxDurationMs,
      3 * 3_600_000,
      'out-of-range defaults fall back to 3 h',
    );
    const policy = policyFrom('vm', {
      ports: [3389, 22, 22],
      maxDurationMs: 3_600_000,
      allowedSourcePrefixes: ['10.0.0.0/8'],
      requireJustification: true,
    });
    assert.deepEqual(
      policy.ports.map((p) => [p.port, p.protocol, p.maxDurationMs, p.allowedSourcePrefixes]),
      [
        [22, 'tcp', 3_600_000, ['10.0.0.0/8']],
        [3389, 'tcp', 3_600_000, ['10.0.0.0/8']],
      ],
    );
    assert.deepEqual(draftFrom(policy, [5985], 1).ports, [22, 3389]);
  });

  it('parses typed port lists', () => {
    assert.deepEqual(parsePortList('22, 8022 9000'), { ports: [22, 8022, 9000] });
    assert.deepEqual(parsePortList('22, 70000, x'), { problem: 'Not a port: 70000, x' });
  });
});

describe('connection plan', () => {
  const base = {
    sandboxEnabled: false,
    azureSignedIn: false,
    azureTenant: '',
    azureSubscriptions: [],
    awsProfiles: [],
    awsRegions: ['us-east-1'],
  };
  it('uses the sandbox when selected, else whatever is configured, else nothing', () => {
    assert.deepEqual(connectionPlan({ ...base, sandboxEnabled: true, azureSignedIn: true }), {
      kind: 'sandbox',
    });
    assert.deepEqual(connectionPlan(base), { kind: 'none' });
    assert.deepEqual(
      connectionPlan({ ...base, azureSignedIn: true, azureTenant: 't1', azureSubscriptions: ['s1'] }),
      {
        kind: 'accounts',
        azure: { tenant: 't1', subscriptions: ['s1'] },
      },
    );
    assert.deepEqual(connectionPlan({ ...base, awsProfiles: ['dev'] }), {
      kind: 'accounts',
      aws: { profiles: ['dev'], regions: ['us-east-1'] },
    });
  });
});

describe('extension plumbing', () => {
  it('applies grant events to the snapshot on screen', () => {
    const vm = jitAzureVm();
    const snap = snapshot([vm, exposedAzureVm()], [AZURE_SCOPE]);
    const g = grant(vm);
    const granted = applyGrantEvent(snap, { type: 'granted', grant: g });
    assert.deepEqual(granted.vms[0].grants, [g]);
    assert.equal(granted.vms[1], snap.vms[1]);
    const extended = applyGrantEvent(granted, {
      type: 'extended',
      grant: { ...g, expiresAt: g.expiresAt + 1 },
    });
    assert.equal(extended.vms[0].grants.length, 1);
    assert.equal(extended.vms[0].grants[0].expiresAt, g.expiresAt + 1);
    assert.deepEqual(
      applyGrantEvent(extended, { type: 'revoked', grant: g, reason: 'user' }).vms[0].grants,
      [],
    );
    assert.equal(applyGrantEvent(snap, { type: 'policyChanged', vmId: vm.vm.id, cloud: 'azure' }), snap);
  });

  it('classifies load failures by the providers’ error names', () => {
    const named = (name: string) => Object.assign(new Error('m'), { name });
    assert.equal(failureOf(named('PermissionDeniedError')).kind, 'permission');
    assert.equal(failureOf(named('ThrottledError')).kind, 'throttled');
    assert.equal(failureOf(named('EndpointUnreachableError')).kind, 'unreachable');
    assert.deepEqual(failureOf('boom'), { kind: 'error', message: 'boom' });
  });

  it('reads a JWT expiry, falling back to five minutes', () => {
    const jwt = (payload: object) => `h.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.s`;
    assert.equal(tokenExpiry(jwt({ exp: NOW / 1000 + 3600 }), NOW), NOW + 3_600_000);
    assert.equal(tokenExpiry(jwt({ exp: NOW / 1000 - 10 }), NOW), NOW + 300_000);
    assert.equal(tokenExpiry('opaque-token', NOW), NOW + 300_000);
    assert.equal(tokenExpiry('a.!!!.b', NOW), NOW + 300_000);
  });

  it('links to the Azure portal and the AWS console', () => {
    const az = exposedAzureVm();
    assert.equal(portalUrl(az.vm), `https://portal.azure.com/#resource${az.vm.id}/overview`);
    const aws = exposedAwsVm('i-0aaaaaaaaaaaaaaa1', '111122223333', 'eu-west-1');
    assert.equal(
      portalUrl(aws.vm),
      'https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#InstanceDetails:instanceId=i-0aaaaaaaaaaaaaaa1',
    );
  });

  it('writes one audit line per event with who, what and until when', () => {
    const g = grant(jitAzureVm(), { justification: 'patch' });
    assert.equal(
      auditLine({ type: 'granted', grant: g }, NOW),
      `2026-01-01T12:00:00.000Z GRANTED  jit1 22/tcp from 203.0.113.7/32 for ${ME} until 2026-01-01T12:30:00.000Z [g1] "patch"`,
    );
    assert.match(auditLine({ type: 'revoked', grant: g, reason: 'expired' }, NOW), /REVOKED {2}\(expired\)/);
    assert.match(
      auditLine({ type: 'error', operation: 'request', message: 'denied' }, NOW),
      /ERROR {4}request: denied$/,
    );
  });

  it('writes the details document with exposures and the plan', () => {
    const vm = exposedAzureVm();
    const doc = buildDetails(
      vm,
      {
        plan: { ops: [], preview: ['Add deny rule X'], warnings: [] },
        warnings: ['w1'],
        calls: 0,
        dryRun: true,
      },
      NOW,
      t,
    );
    assert.match(doc, /^# web1\n/);
    assert.match(doc, /## Exposures\n\n- 22\/tcp.*allow-ssh/);
    assert.match(doc, /## Enabling JIT with the default policy would\n\n1\. Add deny rule X\n- ⚠ w1/);
    assert.match(buildDetails(vm, new Error('no permission'), NOW, t), /> no permission/);
  });
});
