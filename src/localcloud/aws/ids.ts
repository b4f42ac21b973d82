// EC2-shaped resource ids: a prefix, '-0' and 16 hex digits (sg-0123456789abcdef0). Random for resources
// created at runtime; derived from a seed for generated worlds so they are stable across runs.
import { createHash, randomBytes, randomUUID } from 'node:crypto';

export type IdPrefix = 'sg' | 'sgr' | 'i' | 'eni' | 'eni-attach' | 'vpc' | 'subnet' | 'r';

export function newId(prefix: IdPrefix): string {
  return `${prefix}-0${randomBytes(8).toString('hex')}`;
}

export function seededId(prefix: IdPrefix, seed: string): string {
  return `${prefix}-0${createHash('sha256').update(`${prefix}/${seed}`).digest('hex').slice(0, 16)}`;
}

/** A locally administered unicast MAC address, as EC2 interfaces report them (02:xx:...). */
export function macFor(interfaceId: string): string {
  const hex = createHash('sha256').update(interfaceId).digest('hex');
  return ['02', ...[0, 2, 4, 6, 8].map((i) => hex.slice(i, i + 2))].join(':');
}

export function newRequestId(): string {
  return randomUUID();
}
