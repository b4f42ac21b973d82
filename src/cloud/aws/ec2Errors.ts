// How EC2's error codes map onto the provider errors every cloud raises in the same shapes.
import { EndpointUnreachableError, PermissionDeniedError, ThrottledError } from '../errors';
import { FAILED_ACTION } from './clients';

/** The error code the SDK parsed from the response (`UnauthorizedOperation`, ...), or a socket code. */
export function errorCode(error: unknown): string | undefined {
  const e = error as { name?: string; Code?: string; code?: string } | undefined;
  return e?.Code ?? (e?.name && e.name !== 'Error' ? e.name : undefined) ?? e?.code;
}

/** Written state changed under us (someone else's write, or a retried write that had taken effect). */
const CONFLICT_CODES = new Set([
  'InvalidPermission.Duplicate',
  'InvalidPermission.NotFound',
  'InvalidGroup.NotFound',
  'InvalidGroup.Duplicate',
  'InvalidSecurityGroupRuleId.NotFound',
  'DependencyViolation',
]);

export function isConflict(error: unknown): boolean {
  return CONFLICT_CODES.has(errorCode(error) ?? '');
}

/** Real EC2 says UnauthorizedOperation; moto (with IAM enforced) says AccessDenied. */
export function isPermissionDenied(error: unknown): boolean {
  return ['UnauthorizedOperation', 'AccessDenied', 'AccessDeniedException'].includes(errorCode(error) ?? '');
}

export function isDryRunSuccess(error: unknown): boolean {
  return errorCode(error) === 'DryRunOperation';
}

const THROTTLING_CODES = new Set([
  'RequestLimitExceeded',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
]);
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  'TimeoutError',
  'RequestTimeout',
]);

export function isUnreachable(error: unknown): boolean {
  return UNREACHABLE_CODES.has(errorCode(error) ?? '');
}

/** An interface already holds the maximum number of security groups. */
export class InterfaceGroupLimitError extends Error {
  constructor(
    readonly interfaceId: string,
    readonly groupCount: number,
  ) {
    super(
      `Network interface ${interfaceId} already has ${groupCount} security groups, the most EC2 allows per interface ` +
        `(default quota 5), so the JIT group cannot be attached. Remedy: merge two of its groups into one, or ask ` +
        `AWS Service Quotas to raise "Security groups per network interface" (up to 16).`,
    );
    this.name = 'InterfaceGroupLimitError';
  }
}

export interface ErrorContext {
  /** EC2 action to name when the error does not say which call failed. */
  action: string;
  /** What was being changed, for the message (`profile (account) region`). */
  scope: string;
  endpoint: string;
}

/** The provider error a failed EC2/STS call stands for; other errors pass through unchanged. */
export function toProviderError(error: unknown, ctx: ErrorContext): unknown {
  const code = errorCode(error);
  const action = (error as { [FAILED_ACTION]?: string } | undefined)?.[FAILED_ACTION] ?? ctx.action;
  if (isPermissionDenied(error))
    return new PermissionDeniedError(
      [`${action === 'GetCallerIdentity' ? 'sts' : 'ec2'}:${action}`],
      ctx.scope,
    );
  if (code && THROTTLING_CODES.has(code))
    return new ThrottledError(undefined, `${action}: ${code} after retries`);
  if (isUnreachable(error))
    return new EndpointUnreachableError(ctx.endpoint, `${code}: ${(error as Error).message}`);
  return error;
}
