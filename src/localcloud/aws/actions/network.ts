// DescribeRegions, DescribeVpcs, DescribeSubnets: where things live.
import { applyFilters, parseFilters, type FilterTable } from '../filters';
import { findSubnet, findVpc } from '../resources';
import type { SubnetState, VpcState } from '../state';
import { subnetView, vpcView } from '../views';
import { items } from '../xml';
import { describe, type ActionTable } from './context';

const VPC_FILTERS: FilterTable<VpcState> = {
  'vpc-id': (v) => v.vpcId,
  'is-default': (v) => v.isDefault,
  'cidr-block': (v) => v.cidrBlock,
  cidr: (v) => v.cidrBlock,
  state: () => 'available',
};

const SUBNET_FILTERS: FilterTable<SubnetState> = {
  'subnet-id': (s) => s.subnetId,
  'vpc-id': (s) => s.vpcId,
  'availability-zone': (s) => s.availabilityZone,
  'default-for-az': (s) => s.defaultForAz,
  'cidr-block': (s) => s.cidrBlock,
  state: () => 'available',
};

export const networkActions: ActionTable = {
  DescribeRegions: describe(({ params, regionNames }) => {
    const wanted = params.list('RegionName');
    const regions = regionNames.map((name) => ({ name }));
    const chosen = applyFilters(
      wanted.length ? regions.filter((r) => wanted.includes(r.name)) : regions,
      parseFilters(params),
      {
        'region-name': (r) => r.name,
        endpoint: (r) => `ec2.${r.name}.amazonaws.com`,
        'opt-in-status': () => 'opt-in-not-required',
      },
      () => ({}),
    );
    return {
      regionInfo: items(
        chosen.map((r) => ({
          regionName: r.name,
          regionEndpoint: `ec2.${r.name}.amazonaws.com`,
          optInStatus: 'opt-in-not-required',
        })),
      ),
    };
  }),

  DescribeVpcs: describe((ctx) => {
    const { params, region } = ctx;
    const ids = params.list('VpcId');
    const vpcs = ids.length ? ids.map((id) => findVpc(region, id)) : region.vpcs;
    return {
      vpcSet: items(
        applyFilters(vpcs, parseFilters(params), VPC_FILTERS, (v) => v.tags).map((v) => vpcView(ctx, v)),
      ),
    };
  }),

  DescribeSubnets: describe((ctx) => {
    const { params, region } = ctx;
    const ids = params.list('SubnetId');
    const subnets = ids.length ? ids.map((id) => findSubnet(region, id)) : region.subnets;
    return {
      subnetSet: items(
        applyFilters(subnets, parseFilters(params), SUBNET_FILTERS, (s) => s.tags).map((s) =>
          subnetView(ctx, s),
        ),
      ),
    };
  }),
};
