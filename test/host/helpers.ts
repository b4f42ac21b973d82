// Shared by the in-host suites: the activated extension's API and polling for UI state.
import * as vscode from 'vscode';
import type { JitAccessApi } from '../../src/extension/api';
import type { TreeNode } from '../../src/extension/tree/nodes/treeNode';

export const EXTENSION_ID = 'jit-vm-access.jit-vm-access';

export async function activatedApi(): Promise<JitAccessApi> {
  const ext = vscode.extensions.getExtension<JitAccessApi>(EXTENSION_ID);
  if (!ext) throw new Error(`Extension ${EXTENSION_ID} is not installed in this host.`);
  return ext.isActive ? ext.exports : ext.activate();
}

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function flatten(nodes: readonly TreeNode[]): TreeNode[] {
  return nodes.flatMap((n) => [n, ...flatten(n.children)]);
}

/** The path of labels from a root to the first node with this label. */
export function labelPath(
  nodes: readonly TreeNode[],
  label: string,
  trail: string[] = [],
): string[] | undefined {
  for (const n of nodes) {
    if (n.label === label) return [...trail, n.label];
    const below = labelPath(n.children, label, [...trail, n.label]);
    if (below) return below;
  }
  return undefined;
}

export async function useSandbox(api: JitAccessApi): Promise<void> {
  await vscode.commands.executeCommand('jitAccess.useSandbox');
  await waitFor('the sandbox estate to load', () => api.estate.state.kind === 'loaded');
}
