// Reading ARM failures thrown by the SDK (RestError: statusCode, code, response headers) and deciding
// what the provider does about each.

interface RestErrorLike {
  statusCode?: number;
  code?: string;
  message?: string;
  details?: { error?: { code?: string; details?: { code?: string }[] } };
  response?: { headers?: { get(name: string): string | undefined } };
}

export function statusOf(error: unknown): number | undefined {
  return (error as RestErrorLike | undefined)?.statusCode;
}

/** core-lro reports a failed operation as a plain Error: "The long-running operation has failed. CODE. message". */
const LRO_FAILURE = /long-running operation has failed\. ([A-Za-z0-9_]+)\./;

/**
 * The ARM error code, the codes of its details (412 says PreconditionFailedEtagMismatch there), and
 * the code of a failed long-running operation.
 */
export function codesOf(error: unknown): string[] {
  const e = error as RestErrorLike | undefined;
  const codes = [
    e?.code,
    e?.details?.error?.code,
    ...(e?.details?.error?.details ?? []).map((d) => d.code),
    LRO_FAILURE.exec(e?.message ?? '')?.[1],
  ];
  return codes.filter((c): c is string => typeof c === 'string' && c.length > 0);
}

/** Retry-After in seconds (ARM sends seconds; an HTTP date is converted against `now`). */
export function retryAfterSecondsOf(error: unknown, now: number): number | undefined {
  const value = (error as RestErrorLike | undefined)?.response?.headers?.get('retry-after');
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}

/**
 * - `replan`: our view of the resource is stale (412 ETag mismatch, a concurrent rule took the
 *   priority): re-read and plan again.
 * - `retry`: the service is busy or throttling (409 another operation, 429, 5xx, connection failure):
 *   the same step may simply be sent again after a pause.
 * - `permission`, `notFound`, `fatal`: retrying would not help.
 */
export type FailureKind = 'replan' | 'retry' | 'permission' | 'notFound' | 'fatal';

const REPLAN_CODES = new Set([
  'securityruleconflict',
  'preconditionfailed',
  'preconditionfailedetagmismatch',
]);
const RETRY_CODES = new Set([
  'anotheroperationinprogress',
  'retryableerrorduetoanotheroperation',
  'canceledandsupersededduetoanotheroperation',
  'toomanyrequests',
]);
/** No answer at all: the connection was refused, reset or timed out. */
const SEND_FAILURES = new Set([
  'request_send_error',
  'econnreset',
  'econnrefused',
  'etimedout',
  'socket hang up',
]);

export function classifyFailure(error: unknown): FailureKind {
  const status = statusOf(error);
  const codes = codesOf(error).map((c) => c.toLowerCase());
  if (status === 412 || codes.some((c) => REPLAN_CODES.has(c))) return 'replan';
  if (status === 409 || status === 429 || codes.some((c) => RETRY_CODES.has(c))) return 'retry';
  if (status === 403 || codes.includes('authorizationfailed')) return 'permission';
  if (status === 404) return 'notFound';
  if (status !== undefined && status >= 500) return 'retry';
  if (status === undefined && codes.some((c) => SEND_FAILURES.has(c))) return 'retry';
  return 'fatal';
}
