// Reading EC2 Query-protocol parameters: flat `Name.N.Sub` keys from a form-encoded body.
export class QueryParams {
  constructor(private readonly values: ReadonlyMap<string, string>) {}

  static fromBody(body: string): QueryParams {
    return new QueryParams(new Map(new URLSearchParams(body)));
  }

  get(name: string): string | undefined {
    return this.values.get(name);
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  bool(name: string): boolean {
    return this.values.get(name)?.toLowerCase() === 'true';
  }

  int(name: string): number | undefined {
    const v = this.values.get(name);
    return v === undefined || v === '' ? undefined : Number(v);
  }

  /** `Prefix.1`, `Prefix.2`, ... in index order. */
  list(prefix: string): string[] {
    return this.indices(prefix)
      .map((n) => this.values.get(`${prefix}.${n}`))
      .filter((v): v is string => v !== undefined);
  }

  /** The structures `Prefix.N.*`, each with `Prefix.N.` stripped from its keys, in index order. */
  structs(prefix: string): QueryParams[] {
    return this.indices(prefix).map((n) => {
      const head = `${prefix}.${n}.`;
      const sub = new Map<string, string>();
      for (const [k, v] of this.values) if (k.startsWith(head)) sub.set(k.slice(head.length), v);
      return new QueryParams(sub);
    });
  }

  private indices(prefix: string): number[] {
    const found = new Set<number>();
    const head = `${prefix}.`;
    for (const k of this.values.keys()) {
      if (!k.startsWith(head)) continue;
      const n = Number(k.slice(head.length).split('.')[0]);
      if (Number.isInteger(n) && n > 0) found.add(n);
    }
    return [...found].sort((a, b) => a - b);
  }
}
