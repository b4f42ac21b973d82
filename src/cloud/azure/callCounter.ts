// Counts the HTTP requests the SDK clients send, in total and per operation. A pipeline policy sees
// every request (retries and LRO polls included); AsyncLocalStorage attributes each one to the
// operation that caused it, so concurrent operations through one provider still get their own counts.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';

interface Tally {
  calls: number;
}

export class CallCounter {
  private total = 0;
  private readonly current = new AsyncLocalStorage<Tally[]>();

  /** Every request sent through any client built with this counter. */
  get calls(): number {
    return this.total;
  }

  /** Runs `fn`, counting the requests it causes (nested measurements each see their own). */
  async measure<T>(fn: () => Promise<T>): Promise<{ result: T; calls: number }> {
    const tally: Tally = { calls: 0 };
    const outer = this.current.getStore() ?? [];
    const result = await this.current.run([...outer, tally], fn);
    return { result, calls: tally.calls };
  }

  /** The policy to add to each client's pipeline, after the retry policy so each retry counts. */
  readonly policy: PipelinePolicy = {
    name: 'jitCallCounter',
    sendRequest: (request, next) => {
      this.total++;
      for (const tally of this.current.getStore() ?? []) tally.calls++;
      return next(request);
    },
  };
}
