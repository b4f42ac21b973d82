// Sets of addresses as sorted, disjoint, non-adjacent intervals on cidr.ts's number line (IPv6 and
// IPv4 together). The evaluator uses them to work out which sources a rule actually decides for,
// after the rules before it have taken their share.
import { familyOfValue, NON_PUBLIC_CIDRS, parseCidr, valueToText } from './cidr';

type Interval = readonly [bigint, bigint];

const IPV4_BASE = 1n << 128n;
const ALL_V6: Interval = [0n, IPV4_BASE - 1n];
const ALL_V4: Interval = [IPV4_BASE, IPV4_BASE + (1n << 32n) - 1n];

export class AddressSet {
  static readonly EMPTY = new AddressSet([]);
  static readonly ALL = new AddressSet([ALL_V6, ALL_V4]);
  static readonly ALL_IPV4 = new AddressSet([ALL_V4]);
  static readonly ALL_IPV6 = new AddressSet([ALL_V6]);

  private constructor(private readonly ranges: readonly Interval[]) {}

  /** Any order, overlaps allowed. */
  static of(ranges: Interval[]): AddressSet {
    if (ranges.length === 0) return AddressSet.EMPTY;
    const sorted = [...ranges].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const out: [bigint, bigint][] = [];
    for (const [lo, hi] of sorted) {
      const last = out[out.length - 1];
      if (last && lo <= last[1] + 1n) {
        if (hi > last[1]) last[1] = hi;
      } else out.push([lo, hi]);
    }
    return new AddressSet(out);
  }

  /** Unparseable entries are ignored: callers validate or classify prefixes before getting here. */
  static fromCidrs(cidrs: readonly string[]): AddressSet {
    const ranges: Interval[] = [];
    for (const c of cidrs) {
      const p = parseCidr(c);
      if (p) ranges.push([p.first, p.last]);
    }
    return AddressSet.of(ranges);
  }

  get isEmpty(): boolean {
    return this.ranges.length === 0;
  }

  has(value: bigint): boolean {
    // Sets are small (a handful of ranges); a linear scan beats a binary search's bookkeeping.
    for (const [lo, hi] of this.ranges) {
      if (value < lo) return false;
      if (value <= hi) return true;
    }
    return false;
  }

  union(other: AddressSet): AddressSet {
    if (other.isEmpty) return this;
    if (this.isEmpty) return other;
    return AddressSet.of([...this.ranges, ...other.ranges]);
  }

  intersect(other: AddressSet): AddressSet {
    const out: Interval[] = [];
    let i = 0;
    let j = 0;
    while (i < this.ranges.length && j < other.ranges.length) {
      const [a0, a1] = this.ranges[i];
      const [b0, b1] = other.ranges[j];
      const lo = a0 > b0 ? a0 : b0;
      const hi = a1 < b1 ? a1 : b1;
      if (lo <= hi) out.push([lo, hi]);
      if (a1 < b1) i++;
      else j++;
    }
    return out.length ? new AddressSet(out) : AddressSet.EMPTY;
  }

  subtract(other: AddressSet): AddressSet {
    if (this.isEmpty || other.isEmpty) return this;
    const out: Interval[] = [];
    let j = 0;
    for (const [lo0, hi] of this.ranges) {
      let lo = lo0;
      while (j < other.ranges.length && other.ranges[j][1] < lo) j++;
      let k = j;
      while (k < other.ranges.length && other.ranges[k][0] <= hi && lo <= hi) {
        const [b0, b1] = other.ranges[k];
        if (b0 > lo) out.push([lo, b0 - 1n]);
        lo = b1 + 1n;
        k++;
      }
      if (lo <= hi) out.push([lo, hi]);
    }
    return out.length ? new AddressSet(out) : AddressSet.EMPTY;
  }

  /** True when every address of `other` is in this set. */
  covers(other: AddressSet): boolean {
    return other.subtract(this).isEmpty;
  }

  equals(other: AddressSet): boolean {
    return (
      this.ranges.length === other.ranges.length &&
      this.ranges.every(([lo, hi], i) => lo === other.ranges[i][0] && hi === other.ranges[i][1])
    );
  }

  /** The smallest list of CIDRs that exactly covers the set. */
  toCidrs(): string[] {
    const out: string[] = [];
    for (const [lo0, hi] of this.ranges) {
      let lo = lo0;
      const family = familyOfValue(lo);
      const base = family === 4 ? IPV4_BASE : 0n;
      const width = family === 4 ? 32 : 128;
      while (lo <= hi) {
        let size = 0;
        const offset = lo - base;
        while (
          size < width &&
          (offset & ((1n << BigInt(size + 1)) - 1n)) === 0n &&
          lo + (1n << BigInt(size + 1)) - 1n <= hi
        ) {
          size++;
        }
        out.push(`${valueToText(family, lo)}/${width - size}`);
        lo += 1n << BigInt(size);
      }
    }
    return out;
  }
}

/** Every address an internet client could have (see cidr.ts NON_PUBLIC_CIDRS). */
export const PUBLIC_ADDRESSES = AddressSet.ALL.subtract(AddressSet.fromCidrs(NON_PUBLIC_CIDRS));
