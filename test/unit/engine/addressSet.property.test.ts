// AddressSet keeps IPv4 as numbers and IPv6 as BigInts; these properties check its set algebra
// against plain membership on random CIDRs of both families, probed at every range boundary.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AddressSet } from '../../../src/engine/addressSet';
import { parseCidr, valueToText } from '../../../src/engine/cidr';

const v4Cidr = fc
  .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 32 }))
  .map(([a, b, len]) => `${a % 4 === 0 ? 0 : 10}.0.${a}.${b}/${len === 0 ? 0 : Math.max(len, 16)}`);
const v6Cidr = fc
  .tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 128 }))
  .map(([x, len]) => `fd00::${x.toString(16)}/${len === 0 ? 0 : Math.max(len, 100)}`);
const cidrs = fc.array(fc.oneof(v4Cidr, v4Cidr, v6Cidr), { maxLength: 6 });

function inAny(list: string[], value: bigint): boolean {
  return list.some((c) => {
    const p = parseCidr(c)!;
    return value >= p.first && value <= p.last;
  });
}

/** Every range boundary of every CIDR, and the addresses on either side of it. */
function probes(...lists: string[][]): bigint[] {
  const out: bigint[] = [];
  for (const c of lists.flat()) {
    const p = parseCidr(c)!;
    const last =
      p.family === 4
        ? parseCidr('255.255.255.255')!.last
        : parseCidr('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')!.last;
    const first = p.family === 4 ? parseCidr('0.0.0.0')!.first : 0n;
    for (const v of [p.first - 1n, p.first, p.last, p.last + 1n]) if (v >= first && v <= last) out.push(v);
  }
  return out;
}

describe('AddressSet (properties)', () => {
  it('union, intersect and subtract agree with membership; covers with subtract', () => {
    fc.assert(
      fc.property(cidrs, cidrs, (a, b) => {
        const x = AddressSet.fromCidrs(a);
        const y = AddressSet.fromCidrs(b);
        for (const v of probes(a, b)) {
          const [inA, inB] = [inAny(a, v), inAny(b, v)];
          assert.equal(x.has(v), inA);
          assert.equal(x.union(y).has(v), inA || inB);
          assert.equal(x.intersect(y).has(v), inA && inB);
          assert.equal(x.subtract(y).has(v), inA && !inB);
        }
        assert.equal(x.covers(y), y.subtract(x).isEmpty);
        assert.ok(x.union(y).covers(x) && x.covers(x.intersect(y)));
      }),
      { numRuns: 300 },
    );
  });

  it('toCidrs lists aligned CIDRs that give the set back, canonically', () => {
    fc.assert(
      fc.property(cidrs, cidrs, (a, b) => {
        const set = AddressSet.fromCidrs(a).subtract(AddressSet.fromCidrs(b));
        const listed = set.toCidrs();
        assert.ok(AddressSet.fromCidrs(listed).equals(set));
        for (const c of listed) {
          const p = parseCidr(c)!;
          assert.equal(p.hostBitsSet, false, c);
          assert.equal(`${valueToText(p.family, p.first)}/${p.prefixLength}`, c);
        }
        assert.deepEqual(AddressSet.fromCidrs(listed).toCidrs(), listed);
      }),
      { numRuns: 300 },
    );
  });
});
