// Port range strings as NSGs and firewalls store them: '*', '22', '1000-2000'. Parsed once and
// cached, because the same few strings recur across thousands of rules.

/** Flattened pairs: [lo0, hi0, lo1, hi1, …]. */
export type PortRanges = readonly number[];

const ANY_PORT: PortRanges = [0, 65535];
const NO_PORT: PortRanges = [];

const rangeCache = new Map<string, PortRanges>();

/** Per port number, its one-port range, shared. */
const SINGLE_PORTS: Array<PortRanges | undefined> = new Array<PortRanges | undefined>(65536);

/**
 * '*' and plain port numbers (most port texts) without a cache lookup: texts read from the cloud are
 * fresh strings, and hashing millions of them costs more than reading their few characters.
 */
function commonPortText(text: string): PortRanges | undefined {
  if (text === '*') return ANY_PORT;
  const n = text.length;
  if (n === 0 || n > 5) return undefined;
  let port = 0;
  for (let i = 0; i < n; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return undefined;
    port = port * 10 + digit;
  }
  if (port > 65535) return NO_PORT;
  return (SINGLE_PORTS[port] ??= [port, port]);
}

/** One port field text, compiled; cached and shared (treat as immutable). */
export function portRangesOf(text: string): PortRanges {
  const common = commonPortText(text);
  if (common !== undefined) return common;
  let ranges = rangeCache.get(text);
  if (ranges === undefined) {
    const m = /^\s*(?:(\*)|(\d{1,5})(?:\s*-\s*(\d{1,5}))?)\s*$/.exec(text);
    ranges = NO_PORT;
    if (m?.[1]) ranges = ANY_PORT;
    else if (m) {
      const lo = Number(m[2]);
      const hi = m[3] === undefined ? lo : Number(m[3]);
      if (hi <= 65535 && lo <= hi) ranges = [lo, hi];
    }
    if (rangeCache.size > 200_000) rangeCache.clear();
    rangeCache.set(text, ranges);
  }
  return ranges;
}

/** Unparseable entries never match (the service would not have accepted them). */
export function compilePortRanges(values: readonly string[]): PortRanges {
  if (values.length === 1) return portRangesOf(values[0]); // the usual case: shared, nothing allocated
  const out: number[] = [];
  for (const v of values) out.push(...portRangesOf(v));
  return out;
}

/**
 * Which of `ports` (at most 31) one port field text covers, as a bit per port: what a pass over
 * millions of rules asks. The usual texts ('*', '22', '8080-8090') are read in place, without the
 * allocation or the hash of a fresh string that portRangesOf's cache would cost.
 */
export function portTextMask(text: string, ports: readonly number[]): number {
  const n = text.length;
  if (n === 1 && text.charCodeAt(0) === 42) return rangeMask(0, 65535, ports); // '*'
  let lo = 0;
  let i = 0;
  for (; i < n && i < 6; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) break;
    lo = lo * 10 + digit;
  }
  let hi = lo;
  let clean = i > 0 && i <= 5;
  if (clean && i < n) {
    let j = i + 1;
    hi = 0;
    for (; j < n && j - i <= 6; j++) {
      const digit = text.charCodeAt(j) - 48;
      if (digit < 0 || digit > 9) break;
      hi = hi * 10 + digit;
    }
    clean = text.charCodeAt(i) === 45 && j === n && j - i - 1 >= 1 && j - i - 1 <= 5; // 'N-M'
  }
  if (!clean) return rangesMask(portRangesOf(text), ports); // spaces, junk: the exact parser decides
  return hi > 65535 || lo > hi ? 0 : rangeMask(lo, hi, ports);
}

function rangeMask(lo: number, hi: number, ports: readonly number[]): number {
  let mask = 0;
  for (let p = 0; p < ports.length; p++) if (ports[p] >= lo && ports[p] <= hi) mask |= 1 << p;
  return mask;
}

function rangesMask(ranges: PortRanges, ports: readonly number[]): number {
  let mask = 0;
  for (let p = 0; p < ports.length; p++) if (portInRanges(ranges, ports[p])) mask |= 1 << p;
  return mask;
}

export function portInRanges(ranges: PortRanges, port: number): boolean {
  for (let i = 0; i < ranges.length; i += 2) {
    if (port >= ranges[i] && port <= ranges[i + 1]) return true;
  }
  return false;
}
