// Resource Graph through the real client: the project's tagged queries over the demo world, and
// full $skipToken paging (1,000 rows a page) over a generated world of more than 1,000 VMs.
import assert from 'node:assert/strict';
import {
  FIREWALLS_QUERY,
  NSGS_QUERY,
  PUBLIC_IPS_QUERY,
  VMS_QUERY,
  VNETS_QUERY,
  type FirewallRow,
  type NsgRow,
  type VmRow,
  type VnetRow,
} from '../../../src/cloud/azure/graphQueries';
import { startLocalCloud, type LocalCloud } from '../../../src/localcloud/index';
import { DEMO_SUBSCRIPTIONS } from '../../../src/localcloud/worlds/azureDemo';
import { azureClients } from './azureClients';

describe('local cloud (Azure): Resource Graph through the real client', () => {
  describe('demo world', () => {
    let cloud: LocalCloud;
    before(async () => {
      cloud = await startLocalCloud({ world: 'demo' });
    });
    after(() => cloud.stop());

    it('joins VMs to NICs, IPs, NIC NSGs, subnet NSGs and power state', async () => {
      const { graph } = azureClients(cloud, 'reader', DEMO_SUBSCRIPTIONS.production);
      const res = await graph.resources({
        query: VMS_QUERY,
        subscriptions: Object.values(DEMO_SUBSCRIPTIONS),
        options: { top: 1000, resultFormat: 'objectArray' },
      });
      const rows = res.data as VmRow[];
      assert.equal(res.totalRecords, 11);
      assert.equal(res.count, 11);
      assert.equal(res.resultTruncated, 'false');
      assert.equal(res.skipToken, undefined);
      const web01 = rows.find((r) => r.name === 'web-01');
      assert.equal(web01?.privateIp, '10.10.1.4');
      assert.match(web01?.nicNsgId ?? '', /web-01-nsg$/);
      assert.match(web01?.subnetNsgId ?? '', /nsg-snet-web$/);
      assert.match(web01?.publicIpId ?? '', /web-01-pip$/);
      const app01 = rows.find((r) => r.name === 'app-01');
      assert.equal(app01?.nicNsgId, '');
      assert.match(app01?.subnetNsgId ?? '', /nsg-snet-app$/);
      assert.equal(rows.find((r) => r.name === 'build-01')?.powerState, 'PowerState/deallocated');
      const legacy = rows.find((r) => r.name === 'legacy-01');
      assert.deepEqual([legacy?.nicNsgId, legacy?.subnetNsgId], ['', '']);
    });

    it('restricts to the given subscriptions and answers NSG, firewall and public IP queries', async () => {
      const { graph } = azureClients(cloud, 'alice', DEMO_SUBSCRIPTIONS.dev);
      const dev = await graph.resources({ query: VMS_QUERY, subscriptions: [DEMO_SUBSCRIPTIONS.dev] });
      assert.equal(dev.totalRecords, 4);
      const nsgs = (await graph.resources({ query: NSGS_QUERY, subscriptions: [DEMO_SUBSCRIPTIONS.dev] }))
        .data as NsgRow[];
      assert.equal(nsgs.find((n) => n.name === 'win-dev-01-nsg')?.flushConnection, true);
      assert.equal(nsgs.find((n) => n.name === 'jump-01-nsg')?.securityRules.length, 2);
      const fws = (
        await graph.resources({ query: FIREWALLS_QUERY, subscriptions: [DEMO_SUBSCRIPTIONS.production] })
      ).data as FirewallRow[];
      assert.equal(fws.find((f) => f.name === 'fw-prod-classic')?.firewallPolicyId, '');
      assert.match(fws.find((f) => f.name === 'fw-prod-policy')?.firewallPolicyId ?? '', /fwp-prod$/);
      const pips = await graph.resources({
        query: PUBLIC_IPS_QUERY,
        subscriptions: [DEMO_SUBSCRIPTIONS.production],
      });
      assert.ok(pips.totalRecords >= 7);
    });

    it('answers the VNets query with address spaces and peerings', async () => {
      const { graph } = azureClients(cloud, 'reader', DEMO_SUBSCRIPTIONS.production);
      const res = await graph.resources({
        query: VNETS_QUERY,
        subscriptions: Object.values(DEMO_SUBSCRIPTIONS),
      });
      const rows = res.data as VnetRow[];
      const prod = rows.find((r) => r.name === 'vnet-prod-weu');
      assert.deepEqual(prod?.addressSpace.addressPrefixes, ['10.10.0.0/16']);
      assert.deepEqual(prod?.virtualNetworkPeerings, []);
      assert.equal(prod?.resourceGroup, prod?.resourceGroup.toLowerCase());
      assert.ok(rows.some((r) => r.name === 'vnet-dev-eus' && r.subscriptionId === DEMO_SUBSCRIPTIONS.dev));
    });

    it('rejects a query it does not know with the service error shape, and sends quota headers', async () => {
      const { graph } = azureClients(cloud, 'alice', DEMO_SUBSCRIPTIONS.dev);
      await assert.rejects(
        graph.resources({ query: 'Resources | take 5' }),
        (e: { statusCode?: number; code?: string }) => e.statusCode === 400 && e.code === 'BadRequest',
      );
      const last = cloud.traffic.entries({ pathPattern: 'ResourceGraph' }).at(-1);
      assert.equal(JSON.parse(last?.responseBody ?? '{}').error.details[0].code, 'InvalidQuery');
      assert.ok(last?.responseHeaders?.['x-ms-user-quota-remaining']);
      assert.equal(last?.responseHeaders?.['x-ms-user-quota-resets-after'], '00:00:05');
    });
  });

  describe('a generated world of 2,400 VMs', () => {
    let cloud: LocalCloud;
    before(async () => {
      cloud = await startLocalCloud({
        world: {
          generate: {
            subscriptions: 3,
            vmsPerSubscription: 800,
            aws: { accounts: 1, instancesPerRegion: 1, regions: ['eu-west-1'] },
          },
        },
      });
    });
    after(() => cloud.stop());

    it('pages it fully with $skipToken, 1,000 rows at most per page', async () => {
      const { graph } = azureClients(cloud, 'alice', '');
      const ids = new Set<string>();
      let skipToken: string | undefined;
      let pages = 0;
      do {
        const res = await graph.resources({ query: VMS_QUERY, options: { top: 1000, skipToken } });
        assert.ok(res.count <= 1000);
        assert.equal(res.totalRecords, 2400);
        for (const row of res.data as VmRow[]) ids.add(row.id);
        skipToken = res.skipToken;
        pages++;
      } while (skipToken);
      assert.equal(pages, 3);
      assert.equal(ids.size, 2400);
    });

    it('serves later pages from the result set of the first, and a new query sees writes made since', async () => {
      const { graph } = azureClients(cloud, 'alice', '');
      const rulesByNsg = (rows: NsgRow[]) =>
        new Map(rows.map((r) => [r.id.toLowerCase(), r.securityRules.length]));
      const first = await graph.resources({ query: NSGS_QUERY, options: { top: 1000 } });
      assert.ok(first.skipToken);
      const second = await graph.resources({
        query: NSGS_QUERY,
        options: { top: 1000, skipToken: first.skipToken },
      });
      // An NSG of the last page gains a rule between the pages.
      const target = (second.data as NsgRow[])[0];
      const { network } = azureClients(cloud, 'alice', target.subscriptionId);
      await network.securityRules.createOrUpdate(
        target.resourceGroup,
        target.name,
        'Added-Between-Pages',
        {
          protocol: 'Tcp',
          access: 'Deny',
          direction: 'Inbound',
          priority: 4000,
          sourceAddressPrefix: '*',
          sourcePortRange: '*',
          destinationAddressPrefix: '*',
          destinationPortRange: '23',
        },
        { updateIntervalInMs: 5 },
      );
      const again = await graph.resources({
        query: NSGS_QUERY,
        options: { top: 1000, skipToken: first.skipToken },
      });
      const key = target.id.toLowerCase();
      assert.equal(
        rulesByNsg(again.data as NsgRow[]).get(key),
        target.securityRules.length,
        'same result set',
      );
      let fresh: NsgRow | undefined;
      let skipToken: string | undefined;
      do {
        const res = await graph.resources({ query: NSGS_QUERY, options: { top: 1000, skipToken } });
        fresh ??= (res.data as NsgRow[]).find((r) => r.id.toLowerCase() === key);
        skipToken = res.skipToken;
      } while (skipToken);
      assert.equal(
        fresh?.securityRules.length,
        target.securityRules.length + 1,
        'a new query sees the write',
      );
    });
  });
});
