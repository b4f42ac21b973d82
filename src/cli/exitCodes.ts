// The jit command's exit codes, one per kind of outcome a script can act on (documented in the README).
import {
  EndpointUnreachableError,
  PermissionDeniedError,
  ThrottledError,
  VmNotFoundError,
} from '../cloud/errors';
import {
  AmbiguousVmError,
  GrantNotFoundError,
  JitNotEnabledError,
  PolicyViolationError,
} from '../grants/errors';
import { MyIpError } from '../grants/myIp';

export const ExitCode = {
  ok: 0,
  /** The operation failed (conflict, partial apply, the cloud refused for another reason). */
  failed: 1,
  /** Bad input or usage: nothing was sent to the cloud. */
  badInput: 2,
  permissionDenied: 3,
  /** Unknown or ambiguous VM, no such grant. */
  notFound: 4,
  /** The cloud throttled us, or an endpoint (cloud, echo service) could not be reached. */
  unavailable: 5,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Input the command line itself rejects (before building any cloud client). */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function exitCodeFor(error: unknown): ExitCode {
  if (
    error instanceof UsageError ||
    error instanceof PolicyViolationError ||
    error instanceof JitNotEnabledError
  ) {
    return ExitCode.badInput;
  }
  const name = (error as Error)?.name;
  // The engine's ValidationError and PlanError are bad input too; matched by name so the CLI does not
  // depend on where the engine defines them.
  if (name === 'ValidationError' || name === 'PlanError' || name === 'MetadataLimitError')
    return ExitCode.badInput;
  if (error instanceof PermissionDeniedError) return ExitCode.permissionDenied;
  if (
    error instanceof VmNotFoundError ||
    error instanceof AmbiguousVmError ||
    error instanceof GrantNotFoundError
  ) {
    return ExitCode.notFound;
  }
  if (
    error instanceof ThrottledError ||
    error instanceof EndpointUnreachableError ||
    error instanceof MyIpError
  ) {
    return ExitCode.unavailable;
  }
  if (NETWORK_CODES.has((error as { code?: string })?.code ?? '')) return ExitCode.unavailable;
  if ((error as { statusCode?: number })?.statusCode === 429) return ExitCode.unavailable;
  return ExitCode.failed;
}

/** Socket-level failures a client library may let through unwrapped. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
  'EAI_AGAIN',
]);

/** The message shown for an error; unwrapped socket errors get a sentence saying what failed. */
export function describeError(error: unknown): string {
  const e = error as Error & { code?: string };
  if (NETWORK_CODES.has(e?.code ?? ''))
    return `Cannot reach the cloud endpoint (${e.message}). Nothing was changed.`;
  if ((error as { statusCode?: number })?.statusCode === 429) {
    return `The cloud is throttling requests (${e.message}). Nothing was changed; try again later.`;
  }
  return e?.message ?? String(error);
}
