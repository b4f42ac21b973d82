// EC2 `Filter.N.Name` / `Filter.N.Value.M` filtering, table-driven: each resource kind lists the filter
// names it understands and how to read the matching values off a resource. Tag filters (`tag:Key`,
// `tag-key`, `tag-value`) work on every kind. Values may use EC2's wildcards `*` and `?`.
import { errors } from './errors';
import type { QueryParams } from './query';
import type { Tags } from './state';

export interface Filter {
  name: string;
  values: string[];
}

export type FilterValue = string | number | boolean | undefined;
export type FilterTable<T> = Record<string, (resource: T) => FilterValue | readonly FilterValue[]>;

export function parseFilters(params: QueryParams): Filter[] {
  return params.structs('Filter').map((f) => {
    const name = f.get('Name');
    if (!name) throw errors.missingParameter('Filter.Name');
    return { name, values: f.list('Value') };
  });
}

/** Keeps the resources matching every filter (a filter matches when any value matches any of its values). */
export function applyFilters<T>(
  resources: T[],
  filters: Filter[],
  table: FilterTable<T>,
  tagsOf: (r: T) => Tags,
): T[] {
  const tests = filters.map((f) => {
    const read = valuesReader(f.name, table, tagsOf);
    const patterns = f.values.map(wildcard);
    return (r: T) => read(r).some((v) => patterns.some((p) => p.test(v)));
  });
  return resources.filter((r) => tests.every((t) => t(r)));
}

function valuesReader<T>(name: string, table: FilterTable<T>, tagsOf: (r: T) => Tags): (r: T) => string[] {
  if (name.startsWith('tag:')) {
    const key = name.slice(4);
    return (r) => (key in tagsOf(r) ? [tagsOf(r)[key]] : []);
  }
  if (name === 'tag-key') return (r) => Object.keys(tagsOf(r));
  if (name === 'tag-value') return (r) => Object.values(tagsOf(r));
  const field = table[name];
  if (!field) throw errors.invalidParameterValue(`The filter '${name}' is invalid`);
  return (r) => {
    const v = field(r);
    return (Array.isArray(v) ? v : [v]).filter((x) => x !== undefined).map(String);
  };
}

function wildcard(value: string): RegExp {
  let re = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\' && i + 1 < value.length) re += escape(value[++i]);
    else if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else re += escape(c);
  }
  return new RegExp(`^${re}$`, 's');
}

function escape(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
