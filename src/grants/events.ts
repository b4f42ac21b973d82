// A minimal typed event hub for GrantEvent: the extension's tree/status bar and the CLI's progress
// output subscribe; a throwing listener must not break the operation that emitted the event.
import type { Disposable, GrantEvent } from './api';

export type GrantListener = (event: GrantEvent) => void;

export class GrantEvents {
  private readonly listeners = new Set<GrantListener>();

  on(listener: GrantListener): Disposable {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  emit(event: GrantEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A UI listener's bug is not the grant operation's failure.
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
