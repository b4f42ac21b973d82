// MaxResults / NextToken paging as the paged EC2 Describe* calls do it: without MaxResults every result
// comes back; with it, at most that many and an opaque token for the rest.
import { errors } from './errors';
import type { QueryParams } from './query';

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

export interface PagingRules {
  min: number;
  max: number;
  /** A list parameter that cannot be combined with MaxResults (e.g. InstanceId for DescribeInstances). */
  exclusiveWith?: { param: string; label: string };
}

export function paginate<T>(all: T[], params: QueryParams, rules: PagingRules): Page<T> {
  const maxResults = params.int('MaxResults');
  const token = params.get('NextToken');
  if (maxResults === undefined && token === undefined) return { items: all };
  if (maxResults !== undefined && rules.exclusiveWith && params.list(rules.exclusiveWith.param).length) {
    throw errors.invalidParameterCombination(
      `The parameter ${rules.exclusiveWith.label} cannot be used with the parameter maxResults`,
    );
  }
  if (
    maxResults !== undefined &&
    (!Number.isInteger(maxResults) || maxResults < rules.min || maxResults > rules.max)
  ) {
    const bound = maxResults < rules.min ? `greater than ${rules.min}` : `less than ${rules.max}`;
    throw errors.invalidParameterValue(
      `Value ( ${params.get('MaxResults')} ) for parameter maxResults is invalid. Expecting a value ${bound}.`,
    );
  }
  const offset = token === undefined ? 0 : decodeToken(token);
  const size = maxResults ?? rules.max;
  const end = offset + size;
  return { items: all.slice(offset, end), nextToken: end < all.length ? encodeToken(end) : undefined };
}

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

function decodeToken(token: string): number {
  try {
    const { offset } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { offset?: unknown };
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through to the service's error
  }
  throw errors.paginationToken(token);
}
