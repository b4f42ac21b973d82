// Port range strings as NSGs and firewalls store them: '*', '22', '1000-2000'. Parsed once and
// cached, because the same few strings recur across thousands of rules.

/** Flattened pairs: [lo0, hi0, lo1, hi1, …]. */
export type PortRanges = readonly number[];

const ANY_PORT: PortRanges = [0, 65535];

const rangeCache = new Map<string, readonly [number, number] | null>();

/** '*' → 0-65535, 'N' → N-N, 'N-M' → N-M; undefined for anything else (including M < N or > 65535). */
export function parsePortRange(text: string): readonly [number, number] | undefined {
  const cached = rangeCache.get(text);
  if (cached !== undefined) return cached ?? undefined;
  const m = /^\s*(?:(\*)|(\d{1,5})(?:\s*-\s*(\d{1,5}))?)\s*$/.exec(text);
  let parsed: readonly [number, number] | undefined;
  if (m?.[1]) parsed = [0, 65535];
  else if (m) {
    const lo = Number(m[2]);
    const hi = m[3] === undefined ? lo : Number(m[3]);
    if (hi <= 65535 && lo <= hi) parsed = [lo, hi];
  }
  if (rangeCache.size > 200_000) rangeCache.clear();
  rangeCache.set(text, parsed ?? null);
  return parsed;
}

/** Unparseable entries never match (the service would not have accepted them). */
export function compilePortRanges(values: readonly string[]): PortRanges {
  if (values.length === 1 && values[0] === '*') return ANY_PORT;
  const out: number[] = [];
  for (const v of values) {
    const r = parsePortRange(v);
    if (r) out.push(r[0], r[1]);
  }
  return out;
}

export function portInRanges(ranges: PortRanges, port: number): boolean {
  for (let i = 0; i < ranges.length; i += 2) {
    if (port >= ranges[i] && port <= ranges[i + 1]) return true;
  }
  return false;
}
