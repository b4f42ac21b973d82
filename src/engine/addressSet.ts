// Sets of addresses as sorted, disjoint, non-adjacent half-open ranges, one list per family: IPv4
// as plain numbers in [0, 2^32] (no BigInt arithmetic on the hot path), IPv6 as BigInts in
// [0, 2^128] (usually empty). The evaluator uses them to work out which sources a rule actually
// decides for, after the rules before it have taken their share.
//
// At the boundary the API speaks cidr.ts's shared number line (IPv6 in [0, 2^128), IPv4 shifted
// above it), so callers never see the split.
import { NON_PUBLIC_CIDRS, parseCidr, valueToText } from './cidr';

type Bound = number | bigint;
/** Flattened half-open ranges [start0, end0, start1, end1, …], sorted, disjoint and non-adjacent. */
type Ranges<T extends Bound> = readonly T[];

const NO_RANGES: readonly never[] = [];

/** Closed interval on cidr.ts's shared number line. */
type Interval = readonly [bigint, bigint];

const IPV4_BASE = 1n << 128n;
const V4_END = 2 ** 32;
const V6_END = 1n << 128n;

/** An address split by family, so that set lookups need no BigInt arithmetic for IPv4. */
export interface Point {
  family: 4 | 6;
  /** IPv4: the address as a number in [0, 2^32); IPv6: -1. */
  v4: number;
  /** IPv6: the address; IPv4: -1n. */
  v6: bigint;
}

/** A point on cidr.ts's shared number line, split by family. */
export function pointOf(value: bigint): Point {
  return value >= IPV4_BASE
    ? { family: 4, v4: Number(value - IPV4_BASE), v6: -1n }
    : { family: 6, v4: -1, v6: value };
}

// The range algorithms only compare bounds (no +1/-1 thanks to half-open ranges), so one
// implementation serves both families.

function sortedMerge<T extends Bound>(pairs: Array<[T, T]>): T[] {
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: T[] = [];
  for (const [start, end] of pairs) {
    if (out.length > 0 && start <= out[out.length - 1]) {
      if (end > out[out.length - 1]) out[out.length - 1] = end;
    } else out.push(start, end);
  }
  return out;
}

function pairsOf<T extends Bound>(r: Ranges<T>): Array<[T, T]> {
  const out: Array<[T, T]> = [];
  for (let i = 0; i < r.length; i += 2) out.push([r[i], r[i + 1]]);
  return out;
}

function unionOf<T extends Bound>(a: Ranges<T>, b: Ranges<T>): Ranges<T> {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  return sortedMerge([...pairsOf(a), ...pairsOf(b)]);
}

function intersectionOf<T extends Bound>(a: Ranges<T>, b: Ranges<T>): Ranges<T> {
  if (a.length === 0) return a;
  if (b.length === 0) return b;
  if (within(a, b)) return a;
  if (within(b, a)) return b;
  let out: T[] | undefined; // most intersections the evaluator tries are empty: allocate only when not
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const start = a[i] > b[j] ? a[i] : b[j];
    const end = a[i + 1] < b[j + 1] ? a[i + 1] : b[j + 1];
    if (start < end) (out ??= []).push(start, end);
    if (a[i + 1] < b[j + 1]) i += 2;
    else j += 2;
  }
  return out ?? NO_RANGES;
}

/** Whether some range of `a` meets some range of `b`. */
function overlaps<T extends Bound>(a: Ranges<T>, b: Ranges<T>): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i + 1] <= b[j]) i += 2;
    else if (b[j + 1] <= a[i]) j += 2;
    else return true;
  }
  return false;
}

/** Whether every range of `inner` lies inside one range of `outer` (its ranges are non-adjacent). */
function within<T extends Bound>(inner: Ranges<T>, outer: Ranges<T>): boolean {
  let j = 0;
  for (let i = 0; i < inner.length; i += 2) {
    while (j < outer.length && outer[j + 1] <= inner[i]) j += 2;
    if (j >= outer.length || outer[j] > inner[i] || outer[j + 1] < inner[i + 1]) return false;
  }
  return true;
}

function differenceOf<T extends Bound>(a: Ranges<T>, b: Ranges<T>): Ranges<T> {
  if (a.length === 0 || b.length === 0) return a;
  // Most differences the evaluator takes leave `a` whole or remove all of it: no new list for those.
  if (!overlaps(a, b)) return a;
  if (within(a, b)) return NO_RANGES;
  const out: T[] = [];
  let j = 0;
  for (let i = 0; i < a.length; i += 2) {
    let start = a[i];
    const end = a[i + 1];
    while (j < b.length && b[j + 1] <= start) j += 2;
    for (let k = j; k < b.length && b[k] < end && start < end; k += 2) {
      if (b[k] > start) out.push(start, b[k]);
      start = b[k + 1];
    }
    if (start < end) out.push(start, end);
  }
  return out;
}

function includes<T extends Bound>(r: Ranges<T>, value: T): boolean {
  // Sets are small (a handful of ranges); a linear scan beats a binary search's bookkeeping.
  for (let i = 0; i < r.length; i += 2) {
    if (value < r[i]) return false;
    if (value < r[i + 1]) return true;
  }
  return false;
}

function sameRanges<T extends Bound>(a: Ranges<T>, b: Ranges<T>): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Trailing zero bits of an address in [0, 2^32); 32 for 0. */
function trailingZeros32(n: number): number {
  return n === 0 ? 32 : 31 - Math.clz32(n & -n);
}

/** floor(log2(n)) for n in [1, 2^32]. */
function floorLog2(n: number): number {
  return n >= V4_END ? 32 : 31 - Math.clz32(n);
}

const v4CidrTexts = new Map<number, string>();

/** Cached: the same ranges (offices, the Internet's pieces) come out of thousands of NSGs. */
function v4CidrText(start: number, hostBits: number): string {
  const key = start * 64 + hostBits;
  let text = v4CidrTexts.get(key);
  if (text === undefined) {
    text = `${start >>> 24}.${(start >>> 16) & 255}.${(start >>> 8) & 255}.${start & 255}/${32 - hostBits}`;
    if (v4CidrTexts.size > 100_000) v4CidrTexts.clear();
    v4CidrTexts.set(key, text);
  }
  return text;
}

export class AddressSet {
  static readonly EMPTY = new AddressSet([], []);
  static readonly ALL = new AddressSet([0, V4_END], [0n, V6_END]);
  static readonly ALL_IPV4 = new AddressSet([0, V4_END], []);
  static readonly ALL_IPV6 = new AddressSet([], [0n, V6_END]);

  private constructor(
    private readonly v4: Ranges<number>,
    private readonly v6: Ranges<bigint>,
  ) {}

  private static make(v4: Ranges<number>, v6: Ranges<bigint>): AddressSet {
    return v4.length === 0 && v6.length === 0 ? AddressSet.EMPTY : new AddressSet(v4, v6);
  }

  /** Closed intervals on cidr.ts's shared number line; any order, overlaps allowed. */
  static of(ranges: Interval[]): AddressSet {
    const v4: Array<[number, number]> = [];
    const v6: Array<[bigint, bigint]> = [];
    for (const [lo, hi] of ranges) {
      if (lo < IPV4_BASE) v6.push([lo, hi < IPV4_BASE ? hi + 1n : V6_END]);
      if (hi >= IPV4_BASE)
        v4.push([lo >= IPV4_BASE ? Number(lo - IPV4_BASE) : 0, Number(hi - IPV4_BASE) + 1]);
    }
    return AddressSet.make(sortedMerge(v4), sortedMerge(v6));
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
    return this.v4.length === 0 && this.v6.length === 0;
  }

  /** `value` on cidr.ts's shared number line. */
  has(value: bigint): boolean {
    return this.hasPoint(pointOf(value));
  }

  hasPoint(p: Point): boolean {
    return p.family === 4 ? includes(this.v4, p.v4) : includes(this.v6, p.v6);
  }

  union(other: AddressSet): AddressSet {
    if (other.isEmpty) return this;
    if (this.isEmpty) return other;
    return AddressSet.make(unionOf(this.v4, other.v4), unionOf(this.v6, other.v6));
  }

  intersect(other: AddressSet): AddressSet {
    return this.derived(intersectionOf(this.v4, other.v4), intersectionOf(this.v6, other.v6), other);
  }

  /** A result from ranges that may be this set's or `other`'s own lists: the existing set then, not a copy. */
  private derived(v4: Ranges<number>, v6: Ranges<bigint>, other: AddressSet): AddressSet {
    if (v4 === this.v4 && v6 === this.v6) return this;
    if (v4 === other.v4 && v6 === other.v6) return other;
    return AddressSet.make(v4, v6);
  }

  subtract(other: AddressSet): AddressSet {
    if (this.isEmpty || other.isEmpty) return this;
    return this.derived(differenceOf(this.v4, other.v4), differenceOf(this.v6, other.v6), other);
  }

  /** True when every address of `other` is in this set. */
  covers(other: AddressSet): boolean {
    return within(other.v4, this.v4) && within(other.v6, this.v6);
  }

  equals(other: AddressSet): boolean {
    return sameRanges(this.v4, other.v4) && sameRanges(this.v6, other.v6);
  }

  /** The smallest list of CIDRs that exactly covers the set (IPv6 first, as on the shared number line). */
  toCidrs(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.v6.length; i += 2) {
      let start = this.v6[i];
      const end = this.v6[i + 1];
      while (start < end) {
        let size = 0n;
        while (size < 128n && start % (1n << (size + 1n)) === 0n && start + (1n << (size + 1n)) <= end)
          size++;
        out.push(`${valueToText(6, start)}/${128n - size}`);
        start += 1n << size;
      }
    }
    for (let i = 0; i < this.v4.length; i += 2) {
      let start = this.v4[i];
      const end = this.v4[i + 1];
      while (start < end) {
        const bits = Math.min(trailingZeros32(start), floorLog2(end - start));
        out.push(v4CidrText(start, bits));
        start += 2 ** bits;
      }
    }
    return out;
  }
}

/** Every address an internet client could have (see cidr.ts NON_PUBLIC_CIDRS). */
export const PUBLIC_ADDRESSES = AddressSet.ALL.subtract(AddressSet.fromCidrs(NON_PUBLIC_CIDRS));
