// Compares JSON "shapes" (key sets and value types, not values) of a recorded and a live response.

export function shapeDifferences(recorded: unknown, live: unknown, path = '$'): string[] {
  const kind = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  const kr = kind(recorded);
  const kl = kind(live);
  if (kr !== kl) return [`${path}: recorded ${kr}, local ${kl}`];
  if (kr === 'array') {
    const r = recorded as unknown[];
    const l = live as unknown[];
    return r.length > 0 && l.length > 0 ? shapeDifferences(r[0], l[0], `${path}[0]`) : [];
  }
  if (kr !== 'object') return [];
  const r = recorded as Record<string, unknown>;
  const l = live as Record<string, unknown>;
  const out: string[] = [];
  for (const k of Object.keys(r)) {
    if (!(k in l)) out.push(`${path}.${k}: missing locally`);
    else out.push(...shapeDifferences(r[k], l[k], `${path}.${k}`));
  }
  for (const k of Object.keys(l)) if (!(k in r)) out.push(`${path}.${k}: only local`);
  return out;
}
