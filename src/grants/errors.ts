// Errors the grant service raises on top of the providers' (src/cloud/errors.ts): each says precisely
// what is wrong and, except GrantVerificationError, is raised before any cloud write.
import type { Grant } from '../engine/model';

/** The request breaks the VM's JIT policy or the service's own rules (e.g. source `*` not allowed). */
export class PolicyViolationError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join(' '));
    this.name = 'PolicyViolationError';
  }
}

/** JIT VM Access is not enabled on the VM, so there is no policy to request against. */
export class JitNotEnabledError extends Error {
  constructor(readonly vmName: string) {
    super(`JIT is not enabled on ${vmName}: enable it first (jit enable ${vmName}), then request access.`);
    this.name = 'JitNotEnabledError';
  }
}

/** A VM reference matches several VMs; the candidates' ids let the caller ask for one. */
export class AmbiguousVmError extends Error {
  constructor(
    readonly ref: string,
    readonly candidates: { id: string; name: string; scope: string }[],
  ) {
    super(
      `"${ref}" matches ${candidates.length} VMs; use the id of the one you mean:\n` +
        candidates.map((c) => `  ${c.id}  (${c.scope})`).join('\n'),
    );
    this.name = 'AmbiguousVmError';
  }
}

/** No active grant matches what the caller named. */
export class GrantNotFoundError extends Error {
  constructor(readonly what: string) {
    super(`No active grant ${what} was found.`);
    this.name = 'GrantNotFoundError';
  }
}

/**
 * The re-read after writing a grant did not show exactly the requested access (a rule missing, or
 * open wider than asked); the grant was removed again, or the message says the next sweep will.
 */
export class GrantVerificationError extends Error {
  constructor(
    readonly grant: Grant,
    message: string,
  ) {
    super(message);
    this.name = 'GrantVerificationError';
  }
}
