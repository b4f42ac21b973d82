// What activate() returns: the handles in-host tests (and other extensions) use.
import type { GrantServiceApi } from '../grants/api';
import type { GrantsPanel } from './panel/grantsPanel';
import type { LocalCloudSummary } from './services/buildService';
import type { GrantTimer } from './statusBar/grantTimer';
import type { Estate } from './tree/estate';
import type { JitTreeProvider } from './tree/treeProvider';

export interface JitAccessApi {
  /** The grant service for the current accounts (starts the sandbox when selected); undefined when nothing is configured. */
  service(): Promise<GrantServiceApi | undefined>;
  estate: Estate;
  tree: JitTreeProvider;
  statusBar: GrantTimer;
  panel: GrantsPanel;
  /** The running local sandbox, if any. */
  localCloud(): LocalCloudSummary | undefined;
  /** When activate() started and how long it took (ms). */
  activation: { startedAt: number; durationMs: number };
}
