// How a failed load is shown: the providers' error classes are recognised by name so this stays
// pure and does not load the cloud layer.
import type { FailureInfo } from './model';

export function failureOf(error: unknown): FailureInfo {
  const name = (error as { name?: string })?.name;
  const message = error instanceof Error ? error.message : String(error);
  switch (name) {
    case 'PermissionDeniedError':
      return { kind: 'permission', message };
    case 'ThrottledError':
      return { kind: 'throttled', message };
    case 'EndpointUnreachableError':
      return { kind: 'unreachable', message };
    default:
      return { kind: 'error', message };
  }
}
