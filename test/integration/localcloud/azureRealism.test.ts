// Realism knobs seen through the real SDK: throttling (scaled real buckets) with 429 + Retry-After
// and the SDK retrying, fault injection (nth call status, dropped connection, hang), the admin endpoint.
import assert from 'node:assert/strict';
import { startLocalCloud, type LocalCloud } from '../../../src/localcloud/index';
import { DEMO_SUBSCRIPTIONS } from '../../../src/localcloud/worlds/azureDemo';
import { azureClients } from './azureClients';
import { rawArmRequest } from './azureRaw';

describe('local cloud (Azure): realism through the real SDK', () => {
  let cloud: LocalCloud;
  const RG = 'rg-prod-web';
  const NSG_PATH = 'networkSecurityGroups/web-01-nsg$';

  before(async () => {
    cloud = await startLocalCloud({ world: 'demo' });
  });
  after(() => cloud.stop());
  afterEach(() => {
    cloud.realism.set({ throttle: false, latencyMs: 0, jitterMs: 0 });
    cloud.realism.clearFaults();
  });

  it('reports remaining reads on every response and throttles with 429 + Retry-After when a bucket is empty', async () => {
    // scale 0.04: 10 reads, refilling 1 per second.
    cloud.realism.set({ throttle: { scale: 0.04 } });
    const noRetry = azureClients(cloud, 'alice', DEMO_SUBSCRIPTIONS.production, {
      retryOptions: { maxRetries: 0 },
    });
    for (let i = 0; i < 10; i++) await noRetry.network.networkSecurityGroups.get(RG, 'web-01-nsg');
    const last = cloud.traffic.entries({ method: 'GET' }).at(-1);
    assert.equal(last?.responseHeaders?.['x-ms-ratelimit-remaining-subscription-reads'], '0');
    await assert.rejects(
      noRetry.network.networkSecurityGroups.get(RG, 'web-01-nsg'),
      (e: { statusCode?: number; code?: string }) =>
        e.statusCode === 429 && e.code === 'SubscriptionRequestsThrottled',
    );
    assert.equal(cloud.traffic.entries({ method: 'GET' }).at(-1)?.responseHeaders?.['Retry-After'], '1');
    // The default client honours Retry-After and succeeds.
    const patient = azureClients(cloud, 'alice', DEMO_SUBSCRIPTIONS.production);
    const since = cloud.traffic.nextSequence;
    await patient.network.networkSecurityGroups.get(RG, 'web-01-nsg');
    await patient.network.networkSecurityGroups.get(RG, 'web-01-nsg');
    const statuses = cloud.traffic.entries({ since }).map((e) => e.status);
    assert.ok(statuses.includes(429), statuses.join(','));
    assert.equal(statuses.at(-1), 200);
  });

  it('fails the nth matching call with the given status; the SDK retries a 503', async () => {
    const c = azureClients(cloud, 'alice', DEMO_SUBSCRIPTIONS.production);
    cloud.realism.addFault({
      method: 'GET',
      pathPattern: NSG_PATH,
      nth: 2,
      effect: { status: 400, code: 'InjectedBadRequest', message: 'injected' },
    });
    await c.network.networkSecurityGroups.get(RG, 'web-01-nsg');
    await assert.rejects(
      c.network.networkSecurityGroups.get(RG, 'web-01-nsg'),
      (e: { code?: string }) => e.code === 'InjectedBadRequest',
    );
    await c.network.networkSecurityGroups.get(RG, 'web-01-nsg');
    cloud.realism.addFault({
      method: 'GET',
      pathPattern: NSG_PATH,
      effect: { status: 503, code: 'ServiceUnavailable', retryAfterSeconds: 0 },
    });
    const since = cloud.traffic.nextSequence;
    await c.network.networkSecurityGroups.get(RG, 'web-01-nsg');
    assert.deepEqual(
      cloud.traffic.entries({ since }).map((e) => e.status),
      [503, 200],
    );
  });

  it('drops the connection', async () => {
    const c = azureClients(cloud, 'alice', DEMO_SUBSCRIPTIONS.production, {
      retryOptions: { maxRetries: 0 },
    });
    cloud.realism.addFault({ pathPattern: NSG_PATH, effect: 'drop' });
    await assert.rejects(c.network.networkSecurityGroups.get(RG, 'web-01-nsg'), (e: { code?: string }) =>
      /ECONNRESET|socket hang up/i.test(`${e.code} ${String(e)}`),
    );
  });

  it('hangs until the client gives up', async () => {
    const c = azureClients(cloud, 'alice', DEMO_SUBSCRIPTIONS.production, {
      retryOptions: { maxRetries: 0 },
    });
    cloud.realism.addFault({ pathPattern: NSG_PATH, effect: 'hang' });
    const started = Date.now();
    await assert.rejects(
      c.network.networkSecurityGroups.get(RG, 'web-01-nsg', { abortSignal: AbortSignal.timeout(300) }),
    );
    assert.ok(Date.now() - started < 5000);
  });

  it('adds latency', async () => {
    const c = azureClients(cloud, 'alice', DEMO_SUBSCRIPTIONS.production);
    cloud.realism.set({ latencyMs: 150 });
    const started = Date.now();
    await c.network.networkSecurityGroups.get(RG, 'web-01-nsg');
    assert.ok(Date.now() - started >= 150);
  });

  it('changes knobs, injects faults and reads traffic through /__admin', async () => {
    const admin = (method: string, path: string, body?: unknown) =>
      rawArmRequest(
        cloud,
        method,
        `/__admin${path}`,
        { 'content-type': 'application/json' },
        body === undefined ? undefined : JSON.stringify(body),
      );
    assert.equal((await admin('POST', '/realism', { lroDelayMs: 5 })).status, 200);
    assert.equal(cloud.realism.options.lroDelayMs, 5);
    const fault = JSON.parse(
      (await admin('POST', '/faults', { pathPattern: NSG_PATH, effect: { status: 500, code: 'Boom' } })).body,
    );
    assert.ok(fault.id);
    assert.equal(cloud.realism.faults().length, 1);
    assert.equal((await admin('DELETE', '/faults')).status, 200);
    assert.equal(cloud.realism.faults().length, 0);
    const traffic = JSON.parse((await admin('GET', '/traffic?since=1')).body);
    assert.ok(traffic.entries.length > 0);
    assert.ok(
      traffic.entries.every(
        (e: { requestHeaders?: Record<string, string> }) =>
          !e.requestHeaders?.authorization || e.requestHeaders.authorization === 'Sanitized',
      ),
    );
    const state = JSON.parse((await admin('GET', '/state')).body);
    assert.ok(state.azure.subscriptions.length === 2 && state.aws);
    assert.equal((await admin('PUT', '/state', state)).status, 200);
    cloud.realism.set({ lroDelayMs: 0 });
  });
});
