// Writes through the real SDK clients: NSG and rule CRUD as long-running operations, ETag/If-Match,
// 409 while another operation holds the NSG, every validation error, 401/403, and the world's
// save/load round trip.
import assert from 'node:assert/strict';
import type { SecurityRule } from '@azure/arm-network';
import { startLocalCloud, type LocalCloud } from '../../../src/localcloud/index';
import { DEMO_SUBSCRIPTIONS } from '../../../src/localcloud/worlds/azureDemo';
import { azureClients, collect, type AzureClients } from './azureClients';
import { rawArmRequest } from './azureRaw';

type SdkError = { statusCode?: number; code?: string; message: string };
const rejectsWith = (p: Promise<unknown>, status: number, code: string, message?: RegExp) =>
  assert.rejects(p, (e: SdkError) => {
    assert.equal(e.statusCode, status, e.message);
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    return true;
  });

const sshFrom = (source: string, priority: number, extra: Partial<SecurityRule> = {}): SecurityRule => ({
  protocol: 'Tcp',
  access: 'Allow',
  direction: 'Inbound',
  priority,
  sourceAddressPrefix: source,
  sourcePortRange: '*',
  destinationAddressPrefix: '10.10.1.4',
  destinationPortRange: '22',
  ...extra,
});

describe('local cloud (Azure): writes through the real SDK clients', () => {
  let cloud: LocalCloud;
  let alice: AzureClients;
  let bob: AzureClients;
  const RG = 'rg-prod-web';

  before(async () => {
    cloud = await startLocalCloud({ world: 'demo', realism: { retryAfterSeconds: 0 } });
    alice = azureClients(cloud, 'alice', DEMO_SUBSCRIPTIONS.production);
    bob = azureClients(cloud, 'bob', DEMO_SUBSCRIPTIONS.production);
  });
  after(() => cloud.stop());
  afterEach(() => {
    cloud.realism.set({ lroDelayMs: 0, retryAfterSeconds: 0 });
    cloud.realism.clearFaults();
  });

  it('creates, updates and deletes an NSG and its rules; default rules come with it', async () => {
    const created = await alice.network.networkSecurityGroups.createOrUpdate(RG, 'nsg-test', {
      location: 'westeurope',
      securityRules: [{ name: 'SSH-office', ...sshFrom('198.51.100.7', 300) }],
    });
    assert.equal(created.provisioningState, 'Succeeded');
    assert.equal(created.defaultSecurityRules?.length, 6);
    const rule = await alice.network.securityRules.createOrUpdate(
      RG,
      'nsg-test',
      'JIT-1',
      sshFrom('198.51.100.8', 100),
    );
    assert.equal(rule.provisioningState, 'Succeeded');
    const after = await alice.network.networkSecurityGroups.get(RG, 'nsg-test');
    assert.deepEqual(after.securityRules?.map((r) => r.name).sort(), ['JIT-1', 'SSH-office']);
    assert.notEqual(after.etag, created.etag, 'a rule change changes the NSG etag');
    assert.equal(after.securityRules?.find((r) => r.name === 'JIT-1')?.etag, after.etag);
    await alice.network.securityRules.delete(RG, 'nsg-test', 'JIT-1');
    assert.deepEqual(
      (await collect(alice.network.securityRules.list(RG, 'nsg-test'))).map((r) => r.name),
      ['SSH-office'],
    );
    await alice.network.networkSecurityGroups.delete(RG, 'nsg-test');
    await rejectsWith(alice.network.networkSecurityGroups.get(RG, 'nsg-test'), 404, 'ResourceNotFound');
  });

  it('keeps a write InProgress for lroDelayMs and the SDK polls the async operation to Succeeded', async () => {
    cloud.realism.set({ lroDelayMs: 400, retryAfterSeconds: 1 });
    const since = cloud.traffic.nextSequence;
    const poller = alice.network.securityRules.createOrUpdate(
      RG,
      'web-01-nsg',
      'lro-rule',
      sshFrom('198.51.100.9', 110),
    );
    const result = await poller;
    assert.equal(result.provisioningState, 'Succeeded');
    const calls = cloud.traffic.entries({ since });
    assert.equal(calls[0].method, 'PUT');
    assert.equal(calls[0].status, 201);
    assert.match(
      calls[0].responseHeaders?.['Azure-AsyncOperation'] ?? '',
      /\/providers\/Microsoft\.Network\/locations\/westeurope\/operations\//,
    );
    assert.equal(calls[0].responseHeaders?.['Retry-After'], '1');
    assert.equal(JSON.parse(calls[0].responseBody ?? '{}').properties.provisioningState, 'Updating');
    const polls = calls
      .filter((c) => /\/operations\//.test(c.path))
      .map((c) => JSON.parse(c.responseBody ?? '{}').status);
    assert.ok(polls.includes('InProgress') || calls.length > 2, JSON.stringify(polls));
    assert.equal(polls[polls.length - 1], 'Succeeded');
  });

  it('answers a delete with 202, Azure-AsyncOperation and Location', async () => {
    await alice.network.securityRules.createOrUpdate(
      RG,
      'web-01-nsg',
      'to-delete',
      sshFrom('198.51.100.10', 120),
    );
    const since = cloud.traffic.nextSequence;
    await alice.network.securityRules.delete(RG, 'web-01-nsg', 'to-delete');
    const del = cloud.traffic.entries({ since, method: 'DELETE' })[0];
    assert.equal(del.status, 202);
    assert.ok(del.responseHeaders?.['Azure-AsyncOperation']);
    assert.match(del.responseHeaders?.['Location'] ?? '', /operationResults/);
    assert.equal(del.responseBody, undefined);
  });

  it('returns 412 with the service body when If-Match is stale, and succeeds with the current etag', async () => {
    const nsg = await alice.network.networkSecurityGroups.get(RG, 'web-02-nsg');
    await alice.network.securityRules.createOrUpdate(RG, 'web-02-nsg', 'bump', sshFrom('198.51.100.11', 130));
    const stale = nsg.etag ?? '';
    await assert.rejects(
      alice.network.networkSecurityGroups.createOrUpdate(
        RG,
        'web-02-nsg',
        { ...nsg, etag: undefined },
        { requestOptions: { headers: { 'If-Match': stale } } },
      ),
      (e: SdkError) => {
        assert.equal(e.statusCode, 412);
        assert.equal(e.code, 'PreconditionFailed');
        return true;
      },
    );
    const entry = cloud.traffic.entries({ method: 'PUT' }).at(-1);
    const body = JSON.parse(entry?.responseBody ?? '{}');
    assert.equal(body.error.message, 'Precondition failed.');
    assert.equal(body.error.details[0].code, 'PreconditionFailedEtagMismatch');
    assert.ok(
      body.error.details[0].message.includes(`Etag provided in if-match header ${stale} does not match etag`),
    );
    const fresh = await alice.network.networkSecurityGroups.get(RG, 'web-02-nsg');
    const ok = await alice.network.networkSecurityGroups.createOrUpdate(RG, 'web-02-nsg', fresh, {
      requestOptions: { headers: { 'If-Match': fresh.etag ?? '' } },
    });
    assert.equal(ok.securityRules?.length, 2);
  });

  it('answers 409 AnotherOperationInProgress to a second writer while an operation holds the NSG', async () => {
    cloud.realism.set({ lroDelayMs: 1500, retryAfterSeconds: 1 });
    const first = alice.network.securityRules.createOrUpdate(
      RG,
      'app-02-nsg',
      'alice-rule',
      sshFrom('198.51.100.12', 140),
    );
    await first.submitted();
    await rejectsWith(
      bob.network.securityRules.createOrUpdate(RG, 'app-02-nsg', 'bob-rule', sshFrom('198.51.100.13', 150)),
      409,
      'AnotherOperationInProgress',
      /^Another operation on this or dependent resource is in progress/,
    );
    assert.equal((await first).provisioningState, 'Succeeded');
    const rules = await collect(bob.network.securityRules.list(RG, 'app-02-nsg'));
    assert.ok(rules.some((r) => r.name === 'alice-rule'));
    assert.ok(!rules.some((r) => r.name === 'bob-rule'));
  });

  describe('validation errors with the service codes and messages', () => {
    const put = (name: string, rule: SecurityRule) =>
      alice.network.securityRules.createOrUpdate(RG, 'web-01-nsg', name, rule);

    it('SecurityRuleConflict: same priority and direction', () =>
      rejectsWith(
        put('clash', sshFrom('198.51.100.14', 300)),
        400,
        'SecurityRuleConflict',
        /^Security rule SSH conflicts with rule clash\. Rules cannot have the same Priority and Direction\. To learn more, see aka\.ms\/nsgrules\.$/,
      ));
    it('same priority in the other direction is fine', async () => {
      const r = await put('outbound-300', sshFrom('198.51.100.14', 300, { direction: 'Outbound' }));
      assert.equal(r.priority, 300);
    });
    it('SecurityRuleInvalidPriority', () =>
      rejectsWith(
        put('low', sshFrom('198.51.100.14', 99)),
        400,
        'SecurityRuleInvalidPriority',
        /^Security rule has invalid Priority\. Value provided: 99 Allowed range 100-4096\.$/,
      ));
    it('SecurityRuleInvalidPortRange', () =>
      rejectsWith(
        put('port', sshFrom('198.51.100.14', 400, { destinationPortRange: '70000' })),
        400,
        'SecurityRuleInvalidPortRange',
        /Value provided: 70000\. Value should be an integer OR integer range with '-' delimiter\. Valid range 0-65535\./,
      ));
    it('SecurityRuleInvalidAddressPrefix', () =>
      rejectsWith(
        put('prefix', sshFrom('198.51.100.300', 400)),
        400,
        'SecurityRuleInvalidAddressPrefix',
        /securityRules\/prefix has invalid Address prefix\. Value provided: 198\.51\.100\.300$/,
      ));
    it('SecurityRuleParameterContainsUnsupportedValue: a service tag in a plural field', () =>
      rejectsWith(
        put(
          'tag',
          sshFrom('x', 400, {
            sourceAddressPrefix: undefined,
            sourceAddressPrefixes: ['Internet', '198.51.100.1'],
          }),
        ),
        400,
        'SecurityRuleParameterContainsUnsupportedValue',
      ));
    it('InvalidResourceName: 81 characters, or a bad last character', async () => {
      await rejectsWith(put('a'.repeat(81), sshFrom('198.51.100.14', 400)), 400, 'InvalidResourceName');
      await rejectsWith(put('ends-with-dash-', sshFrom('198.51.100.14', 400)), 400, 'InvalidResourceName');
      const ok = await put(`${'a'.repeat(79)}_`, sshFrom('198.51.100.14', 401));
      assert.equal(ok.name?.length, 80);
    });
    it('description over 140 characters', () =>
      rejectsWith(
        put('desc', sshFrom('198.51.100.14', 402, { description: 'x'.repeat(141) })),
        400,
        'SecurityRuleDescriptionTooLong',
      ));
    it('1,000 rules per NSG', async () => {
      const rules = Array.from({ length: 1000 }, (_, i) => ({
        name: `r${i}`,
        ...sshFrom('198.51.100.14', 100 + i),
      }));
      await alice.network.networkSecurityGroups.createOrUpdate(RG, 'nsg-full', {
        location: 'westeurope',
        securityRules: rules,
      });
      await rejectsWith(
        alice.network.securityRules.createOrUpdate(
          RG,
          'nsg-full',
          'one-more',
          sshFrom('198.51.100.14', 2000),
        ),
        400,
        'SecurityRulesPerNetworkSecurityGroupLimitReached',
      );
    });
    it('ResourceGroupNotFound on a write', () =>
      rejectsWith(
        alice.network.networkSecurityGroups.createOrUpdate('rg-missing', 'x', { location: 'westeurope' }),
        404,
        'ResourceGroupNotFound',
        /^Resource group 'rg-missing' could not be found\.$/,
      ));
  });

  describe('authentication and authorization', () => {
    it('401 InvalidAuthenticationToken for an unknown token, AuthenticationFailed without one', async () => {
      const stranger = azureClients(
        {
          ...cloud,
          info: {
            ...cloud.info,
            azure: {
              ...cloud.info.azure,
              principals: [{ name: 'x', role: 'x', objectId: 'x', token: 'not-a-token' }],
            },
          },
        },
        'x',
        DEMO_SUBSCRIPTIONS.production,
        { retryOptions: { maxRetries: 0 } },
      );
      await rejectsWith(
        stranger.network.networkSecurityGroups.get(RG, 'web-01-nsg'),
        401,
        'InvalidAuthenticationToken',
      );
      const res = await rawArmRequest(
        cloud,
        'GET',
        `/subscriptions/${DEMO_SUBSCRIPTIONS.production}?api-version=2022-12-01`,
      );
      assert.equal(res.status, 401);
      assert.equal(JSON.parse(res.body).error.code, 'AuthenticationFailed');
    });
    it('403 AuthorizationFailed when the reader writes a rule; the reader can still read', async () => {
      const reader = azureClients(cloud, 'reader', DEMO_SUBSCRIPTIONS.production);
      const objectId = cloud.info.azure.principals.find((p) => p.name === 'reader')?.objectId;
      const scope = `/subscriptions/${DEMO_SUBSCRIPTIONS.production}/resourceGroups/${RG}/providers/Microsoft.Network/networkSecurityGroups/web-01-nsg/securityRules/jit`;
      await assert.rejects(
        reader.network.securityRules.createOrUpdate(RG, 'web-01-nsg', 'jit', sshFrom('198.51.100.14', 500)),
        (e: SdkError) => {
          assert.equal(e.statusCode, 403);
          assert.equal(e.code, 'AuthorizationFailed');
          assert.equal(
            e.message,
            `The client '${objectId}' with object id '${objectId}' does not have authorization to perform action 'Microsoft.Network/networkSecurityGroups/securityRules/write' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
          );
          return true;
        },
      );
      assert.ok((await reader.network.networkSecurityGroups.get(RG, 'web-01-nsg')).name);
    });
  });

  it('saves and loads the world as JSON', async () => {
    await alice.network.securityRules.createOrUpdate(
      RG,
      'web-01-nsg',
      'saved-rule',
      sshFrom('198.51.100.15', 600),
    );
    const saved = JSON.parse(JSON.stringify(cloud.state()));
    await alice.network.securityRules.delete(RG, 'web-01-nsg', 'saved-rule');
    cloud.load(saved);
    const back = await alice.network.securityRules.get(RG, 'web-01-nsg', 'saved-rule');
    assert.equal(back.sourceAddressPrefix, '198.51.100.15');
    const other = await startLocalCloud({ world: saved });
    try {
      const c = azureClients(other, 'alice', DEMO_SUBSCRIPTIONS.production);
      assert.equal((await c.network.securityRules.get(RG, 'web-01-nsg', 'saved-rule')).priority, 600);
    } finally {
      await other.stop();
    }
  });
});
