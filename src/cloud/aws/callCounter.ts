// Counts the HTTP calls the provider makes, per EC2/STS action, including SDK retries and DryRun
// checks: the figures benchmarks and the output channel report. A count is scoped to one provider
// operation through AsyncLocalStorage, so concurrent operations never mix their numbers.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface CallTally {
  total: number;
  byAction: Record<string, number>;
}

export function emptyTally(): CallTally {
  return { total: 0, byAction: {} };
}

export class CallCounter {
  /** Every call this provider ever made. */
  readonly overall: CallTally = emptyTally();
  private readonly scoped = new AsyncLocalStorage<CallTally[]>();

  /** Runs `fn` with a tally of its own; nested scopes count towards every enclosing one. */
  async measure<T>(fn: () => Promise<T>): Promise<{ value: T; tally: CallTally }> {
    const tally = emptyTally();
    const enclosing = this.scoped.getStore() ?? [];
    const value = await this.scoped.run([...enclosing, tally], fn);
    return { value, tally };
  }

  record(action: string): void {
    for (const tally of [this.overall, ...(this.scoped.getStore() ?? [])]) {
      tally.total++;
      tally.byAction[action] = (tally.byAction[action] ?? 0) + 1;
    }
  }
}
