// Large AWS worlds for benchmarks and scale tests: many instances per account and region, groups
// drawn from a pool (so several instances share groups), a deterministic mix of exposed and closed
// management ports. The same options and seed always give the same world.
import type { AwsAccountState, AwsWorldState } from '../aws/state';
import { AwsRegionBuilder, awsPrincipal, tcpFrom, type RuleSpec } from '../aws/regionBuilder';

export interface AwsGenerateOptions {
  accounts?: number;
  regions?: string[];
  /** Instances in each account and region. */
  instancesPerRegion: number;
  /** Security groups in each account and region (default: a third of the instances, at least 5). */
  groupsPerRegion?: number;
  seed?: number;
}

/** mulberry32: a small seeded PRNG so generated worlds are reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MANAGEMENT_PORTS = [22, 3389, 5985, 5986];
const SOURCES = ['0.0.0.0/0', '::/0', '192.0.2.0/24', '10.0.0.0/8', '198.51.100.7/32'];

function randomRules(rand: () => number): RuleSpec[] {
  const pick = <T>(list: T[]) => list[Math.floor(rand() * list.length)];
  const rules: RuleSpec[] = [];
  const count = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < count; i++) {
    const port = rand() < 0.5 ? pick(MANAGEMENT_PORTS) : pick([80, 443, 8080, 5432, 9100]);
    const rule = tcpFrom(pick(SOURCES), port);
    if (
      !rules.some(
        (r) =>
          r.fromPort === rule.fromPort && (r.cidrIpv4 ?? r.cidrIpv6) === (rule.cidrIpv4 ?? rule.cidrIpv6),
      )
    ) {
      rules.push(rule);
    }
  }
  return rules;
}

export function generateAwsWorld(opts: AwsGenerateOptions): AwsWorldState {
  const rand = prng(opts.seed ?? 1);
  const regions = opts.regions ?? ['eu-west-1', 'us-east-1'];
  const accountCount = opts.accounts ?? 2;
  const groupCount = opts.groupsPerRegion ?? Math.max(5, Math.ceil(opts.instancesPerRegion / 3));
  const accounts: AwsAccountState[] = [];
  for (let a = 0; a < accountCount; a++) {
    const accountId = String(100000000000 + a * 111111111).padStart(12, '0');
    const builders = regions.map((regionName) => {
      const b = new AwsRegionBuilder(accountId, regionName);
      const vpc = b.vpc('default', '172.31.0.0/16', true);
      const groups = Array.from({ length: groupCount }, (_, g) =>
        b.group(vpc, `gen-sg-${g}`, `generated group ${g}`, randomRules(rand)),
      );
      for (let i = 0; i < opts.instancesPerRegion; i++) {
        const nGroups = 1 + Math.floor(rand() * 3);
        const chosen = [
          ...new Set(Array.from({ length: nGroups }, () => groups[Math.floor(rand() * groups.length)])),
        ];
        b.instance({
          name: `gen-${a}-${regionName}-${i}`,
          vpc,
          platform: rand() < 0.3 ? 'windows' : undefined,
          state: rand() < 0.1 ? 'stopped' : 'running',
          interfaces: [{ groups: chosen, publicIp: `203.0.113.${1 + (i % 254)}` }],
        });
      }
      return b;
    });
    accounts.push({
      accountId,
      profile: `generated-${a}`,
      regions: Object.fromEntries(builders.map((b) => [b.regionName, b.state])),
    });
  }
  return {
    regions,
    principals: accounts.flatMap((acc) => [
      awsPrincipal(`admin-${acc.profile}`, acc.accountId, acc.profile, ['ec2:*']),
      awsPrincipal(`reader-${acc.profile}`, acc.accountId, acc.profile, ['ec2:Describe*']),
    ]),
    accounts,
  };
}
