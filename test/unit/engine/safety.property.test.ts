// The safety contract (docs/architecture.md), checked on random worlds: random NSGs (plural fields,
// service tags, clashing priorities, subnet + NIC NSGs shared by several VMs) and random security
// groups (shared by instances, several interfaces), random policies and requests. Reachability is
// compared with the read side's evaluator over a fixed probe set.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { cidrContainsCidr } from '../../../src/engine/cidr';
import { grantsOf } from '../../../src/engine/jitState';
import {
  AWS_TAG_KEY_MAX,
  AWS_TAG_VALUE_MAX,
  AZURE_DESCRIPTION_MAX,
  AZURE_RULE_NAME_MAX,
  decodeAwsTags,
  decodeAzureRule,
  vmKeyOf,
} from '../../../src/engine/metadata';
import type { AccessRequest, JitPolicy } from '../../../src/engine/model';
import type { Plan } from '../../../src/engine/operations';
import { ruleContent } from '../../../src/engine/planner/awsPlanner';
import { planDisable, planEnable, planRequest, planSweep, PlanError } from '../../../src/engine/planner';
import { NoFreePriorityError } from '../../../src/engine/priorities';
import { applyPlan, networkOf, type World } from '../../../src/engine/simulate';
import { awsWorldArb, azureWorldArb, policyArb, reachabilityOf, requestArb } from './worldArbitraries';

const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);
const RUNS = { numRuns: 100 };

interface Case {
  w: World;
  target: string;
  policy: JitPolicy;
  req: AccessRequest;
}

function caseArb(worldArb: fc.Arbitrary<World>): fc.Arbitrary<Case> {
  return worldArb.chain((w) => {
    const target = Object.keys(w.vms)[0];
    return policyArb(target).chain((policy) => requestArb(policy).map((req) => ({ w, target, policy, req })));
  });
}

const clouds: [string, fc.Arbitrary<Case>][] = [
  ['Azure', caseArb(azureWorldArb)],
  ['AWS', caseArb(awsWorldArb)],
];

/** Enable, or undefined when planning refused with a clear error (no free slot): nothing to check. */
function enabled(c: Case): World | undefined {
  try {
    return applyPlan(c.w, planEnable(networkOf(c.w, c.target), c.policy));
  } catch (e) {
    if (e instanceof NoFreePriorityError || e instanceof PlanError) return undefined;
    throw e;
  }
}

function requested(w1: World, c: Case): { w2: World; plan: Plan; expiresAt: number; id: string } | undefined {
  try {
    const { plan, grant } = planRequest(networkOf(w1, c.target), c.req, NOW);
    return { w2: applyPlan(w1, plan), plan, expiresAt: grant.expiresAt, id: grant.id };
  } catch (e) {
    if (e instanceof NoFreePriorityError) return undefined;
    throw e;
  }
}

function sweep(w: World, now: number): World {
  return applyPlan(
    w,
    planSweep(
      Object.keys(w.vms).map((id) => networkOf(w, id)),
      now,
    ),
  );
}

function parseKey(key: string): { vm: string; proto: string; port: number; source: string } {
  const [vm, , pp, source] = key.split('|');
  const [proto, port] = pp.split('/');
  return { vm, proto, port: Number(port), source };
}

function requestCovers(c: Case, key: string): boolean {
  const k = parseKey(key);
  const destination = key.split('|')[1].split('/').pop() ?? '';
  return (
    k.vm === c.target &&
    destination.includes(':') === k.source.includes(':') &&
    c.req.ports.some((p) => p.port === k.port && (p.protocol === '*' || p.protocol === k.proto)) &&
    cidrContainsCidr(c.req.source, k.source)
  );
}

function policyCovers(c: Case, key: string): boolean {
  const k = parseKey(key);
  return (
    k.vm === c.target &&
    c.policy.ports.some((p) => p.port === k.port && (p.protocol === '*' || p.protocol === k.proto))
  );
}

/** A world with rule ids dropped and rule lists sorted: what "the same rules" means after re-authorizing. */
function normalized(w: World): unknown {
  const groups = Object.fromEntries(
    Object.entries(w.groups).map(([id, g]) => [
      id,
      { ...g, rules: g.rules.map((r) => JSON.stringify(ruleContent(r))).sort() },
    ]),
  );
  return { vms: w.vms, nsgs: w.nsgs, firewalls: w.firewalls, groups };
}

for (const [cloud, arb] of clouds) {
  describe(`safety contract on ${cloud} (property-based)`, () => {
    describe('1. a grant opens exactly the requested ports, from the requested source, to that VM', () => {
      it('changes reachability for exactly the requested (port, source, VM) tuples', () => {
        fc.assert(
          fc.property(arb, (c) => {
            const w1 = enabled(c);
            const r = w1 && requested(w1, c);
            if (!w1 || !r) return;
            const before = reachabilityOf(w1);
            const after = reachabilityOf(r.w2);
            const shadowed = r.plan.warnings.some((x) => x.includes('may not open access'));
            for (const [key, allowed] of after) {
              if (requestCovers(c, key)) {
                if (!shadowed) assert.equal(allowed, true, `requested tuple not open: ${key}`);
              } else {
                assert.equal(allowed, before.get(key), `reachability changed outside the grant: ${key}`);
              }
            }
            assert.ok(r.expiresAt <= NOW + c.req.durationMs, 'grant outlives the requested duration');
          }),
          RUNS,
        );
      });
    });

    describe('2. expiry, revoke and disable restore the prior state', () => {
      it('request then a sweep after expiry restores the rules and reachability exactly', () => {
        fc.assert(
          fc.property(arb, (c) => {
            const w1 = enabled(c);
            const r = w1 && requested(w1, c);
            if (!w1 || !r) return;
            const w3 = sweep(r.w2, r.expiresAt);
            assert.deepEqual(normalized(w3), normalized(w1));
            assert.deepEqual(reachabilityOf(w3), reachabilityOf(w1));
          }),
          RUNS,
        );
      });

      it('enable, request, then disable restores the original rules and reachability', () => {
        fc.assert(
          fc.property(arb, (c) => {
            const w1 = enabled(c);
            if (!w1) return;
            const r = requested(w1, c);
            const w3 = applyPlan(r?.w2 ?? w1, planDisable(networkOf(r?.w2 ?? w1, c.target)));
            assert.deepEqual(normalized(w3), normalized(c.w));
            assert.deepEqual(reachabilityOf(w3), reachabilityOf(c.w));
          }),
          RUNS,
        );
      });

      it('an interrupted request or enable is undone or finished by the next sweep', () => {
        fc.assert(
          fc.property(arb, fc.nat(), fc.nat(), (c, cutEnable, cutRequest) => {
            const w1 = enabled(c);
            if (!w1) return;
            const enable = planEnable(networkOf(c.w, c.target), c.policy);
            const partialEnable = {
              ...enable,
              ops: enable.ops.slice(0, cutEnable % (enable.ops.length || 1)),
            };
            const repaired = sweep(applyPlan(c.w, partialEnable), NOW);
            const reach = reachabilityOf(repaired);
            const undone = reachabilityOf(c.w);
            const done = reachabilityOf(w1);
            assert.ok(
              JSON.stringify([...reach]) === JSON.stringify([...undone]) ||
                JSON.stringify([...reach]) === JSON.stringify([...done]),
              'a sweep after an interrupted enable leaves neither the original nor the enabled state',
            );
            assert.deepEqual(
              planSweep(
                Object.keys(repaired.vms).map((id) => networkOf(repaired, id)),
                NOW,
              ).ops,
              [],
            );
            const r = requested(w1, c);
            if (!r) return;
            const partial = { ...r.plan, ops: r.plan.ops.slice(0, cutRequest % r.plan.ops.length) };
            const afterSweep = sweep(applyPlan(w1, partial), NOW);
            assert.deepEqual(
              normalized(afterSweep),
              normalized(w1),
              'an incomplete grant survived the sweep',
            );
          }),
          RUNS,
        );
      });
    });

    describe('3. enabling JIT on one VM never changes what any other VM can be reached by', () => {
      it('other VMs and the non-JIT ports keep their reachability; the JIT ports close', () => {
        fc.assert(
          fc.property(arb, (c) => {
            const w1 = enabled(c);
            if (!w1) return;
            const before = reachabilityOf(c.w);
            for (const [key, allowed] of reachabilityOf(w1)) {
              if (policyCovers(c, key))
                assert.equal(allowed, false, `JIT port still open after enable: ${key}`);
              else assert.equal(allowed, before.get(key), `enable changed reachability of ${key}`);
            }
          }),
          RUNS,
        );
      });
    });

    describe('4. everything created describes itself within the limits; sweeps find expired grants', () => {
      it('every written rule/group decodes to its metadata, fits the limits, and a sweep after expiry removes the grant', () => {
        fc.assert(
          fc.property(arb, (c) => {
            let enable: Plan;
            try {
              enable = planEnable(networkOf(c.w, c.target), c.policy);
            } catch (e) {
              if (e instanceof PlanError || e instanceof NoFreePriorityError) return;
              throw e;
            }
            const w1 = applyPlan(c.w, enable); // the simulator refuses duplicate priorities and bad fields
            const r = requested(w1, c);
            if (!r) return;
            for (const op of [...enable.ops, ...r.plan.ops]) checkSelfDescribing(op, c.target);
            for (const nsg of Object.values(r.w2.nsgs)) {
              for (const dir of ['Inbound', 'Outbound']) {
                const ps = nsg.securityRules.filter((x) => x.direction === dir).map((x) => x.priority);
                assert.equal(new Set(ps).size, ps.length, `duplicate ${dir} priority in ${nsg.name}`);
              }
            }
            const found = grantsOf(networkOf(r.w2, c.target)).find((g) => g.id === r.id);
            assert.ok(found, 'the grant cannot be found from metadata');
            assert.equal(found.expiresAt, r.expiresAt);
            assert.equal(found.requester, c.req.requester);
            assert.deepEqual(
              planSweep([networkOf(r.w2, c.target)], r.expiresAt - 1).ops,
              [],
              'a sweep touched an active grant',
            );
            const swept = sweep(r.w2, r.expiresAt);
            assert.deepEqual(grantsOf(networkOf(swept, c.target)), []);
          }),
          RUNS,
        );
      });
    });
  });
}

function checkSelfDescribing(op: Plan['ops'][number], target: string): void {
  const key = vmKeyOf(target);
  if (op.kind === 'azure.putRule') {
    assert.ok(
      op.rule.name.length <= AZURE_RULE_NAME_MAX && /^\w(?:[\w.-]*[\w_])?$/.test(op.rule.name),
      op.rule.name,
    );
    assert.ok((op.rule.description ?? '').length <= AZURE_DESCRIPTION_MAX, op.rule.description);
    const meta = decodeAzureRule(op.rule);
    assert.equal(meta?.origin, 'jit-vm-access');
    assert.equal(meta?.vmKey, key);
    if (meta?.kind === 'grant') assert.ok(meta.expiresAt && meta.requester !== undefined);
  }
  const checkTags = (tags: Record<string, string>) => {
    for (const [k, v] of Object.entries(tags))
      assert.ok(k.length <= AWS_TAG_KEY_MAX && v.length <= AWS_TAG_VALUE_MAX, k);
  };
  if (op.kind === 'aws.createGroup') {
    checkTags(op.tags);
    assert.ok(op.name.length <= 255 && op.description.length <= 255 && /^[\x20-\x7e]*$/.test(op.description));
    assert.equal(decodeAwsTags(op.tags)?.vmId, target);
  }
  if (op.kind === 'aws.authorizeIngress') {
    for (const rule of op.rules) {
      if (rule.tags) checkTags(rule.tags);
      // Grants go to the JIT group (an existing id); copies and remainders describe themselves otherwise.
      if (typeof op.groupId === 'string' && rule.description?.startsWith('JIT grant')) {
        assert.equal(decodeAwsTags(rule.tags ?? {})?.kind, 'grant');
      }
    }
  }
}
