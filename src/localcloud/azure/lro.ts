// Long-running operations: a write returns at once with Azure-AsyncOperation (and Location for
// deletes); the operation stays InProgress for realism.lroDelayMs and holds its resource, so that
// another write on it gets 409 AnotherOperationInProgress, as Network RP does.
import { randomUUID } from 'node:crypto';

export interface Operation {
  id: string;
  /** Lower-cased id of the top-level resource the operation holds (NSG, firewall). */
  holds: string;
  subscriptionId: string;
  location: string;
  apiVersion: string;
  doneAt: number;
  /** Applied once, when the operation completes (e.g. provisioningState -> Succeeded, or removal). */
  complete: () => void;
  completed: boolean;
}

export class LroStore {
  private readonly ops = new Map<string, Operation>();

  start(op: Omit<Operation, 'id' | 'completed'>): Operation {
    const full: Operation = { ...op, id: randomUUID(), completed: false };
    this.ops.set(full.id, full);
    return full;
  }

  /** Completes every operation whose time has come; call before serving any request. True if any did. */
  settle(now: number): boolean {
    let completed = false;
    for (const op of this.ops.values()) {
      if (!op.completed && op.doneAt <= now) {
        op.completed = true;
        op.complete();
        completed = true;
      }
    }
    return completed;
  }

  get(id: string): Operation | undefined {
    return this.ops.get(id);
  }

  /** The operation still holding the resource, if any. */
  holder(resourceKey: string): Operation | undefined {
    for (const op of this.ops.values()) if (!op.completed && op.holds === resourceKey) return op;
    return undefined;
  }

  /** Forgets everything (on loading another world). */
  clear(): void {
    this.ops.clear();
  }
}

export function asyncOperationUrl(baseUrl: string, op: Operation): string {
  return `${baseUrl}/subscriptions/${op.subscriptionId}/providers/Microsoft.Network/locations/${op.location}/operations/${op.id}?api-version=${op.apiVersion}`;
}

export function operationResultUrl(baseUrl: string, op: Operation): string {
  return `${baseUrl}/subscriptions/${op.subscriptionId}/providers/Microsoft.Network/locations/${op.location}/operationResults/${op.id}?api-version=${op.apiVersion}`;
}

export function newRandomId(): string {
  return randomUUID();
}
