// Errors every provider raises in the same shapes, so the grant service, CLI and extension can say
// precisely what happened without knowing which cloud it was.

/** The caller lacks a right; nothing was written. */
export class PermissionDeniedError extends Error {
  constructor(
    readonly missingActions: string[],
    readonly scope: string,
  ) {
    super(
      `You are not allowed to change ${scope}: missing permission ${missingActions.join(', ')}. Nothing was changed.`,
    );
    this.name = 'PermissionDeniedError';
  }
}

/** The cloud kept throttling after the bounded retries. */
export class ThrottledError extends Error {
  constructor(
    readonly retryAfterSeconds: number | undefined,
    detail: string,
  ) {
    super(
      `The cloud is throttling requests (${detail})${retryAfterSeconds ? `; try again in ${retryAfterSeconds}s` : ''}.`,
    );
    this.name = 'ThrottledError';
  }
}

/** Concurrent writers kept conflicting after the bounded re-plans. */
export class ConflictError extends Error {
  constructor(readonly attempts: number) {
    super(
      `Another change kept conflicting with this one after ${attempts} attempts. Nothing is half-applied.`,
    );
    this.name = 'ConflictError';
  }
}

export class VmNotFoundError extends Error {
  constructor(readonly vm: string) {
    super(`No VM "${vm}" was found.`);
    this.name = 'VmNotFoundError';
  }
}

export class EndpointUnreachableError extends Error {
  constructor(
    readonly endpoint: string,
    cause: string,
  ) {
    super(`Cannot reach ${endpoint}: ${cause}.`);
    this.name = 'EndpointUnreachableError';
  }
}

/**
 * A plan failed part-way. `repairableBySweep` says whether what was written carries metadata the next
 * sweep uses to finish or undo it; `applied` lists the preview lines of the steps that took effect.
 */
export class PartialApplyError extends Error {
  constructor(
    readonly applied: string[],
    readonly failedStep: string,
    override readonly cause: unknown,
    readonly repairableBySweep: boolean,
  ) {
    super(
      `Step "${failedStep}" failed after ${applied.length} step(s) took effect: ${String(
        (cause as Error)?.message ?? cause,
      )}. ${
        applied.length === 0
          ? 'The cloud was left unchanged.'
          : repairableBySweep
            ? 'The next sweep will finish or undo it.'
            : 'The steps that took effect stay in place: run the operation again or undo them by hand.'
      }`,
    );
    this.name = 'PartialApplyError';
  }
}
