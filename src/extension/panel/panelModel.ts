// The rows and messages exchanged between the extension and the active-grants page. The page gets
// absolute expiry times and ticks by itself, so the extension only posts when grants change.
import type { Grant } from '../../engine/model';
import type { Localize } from '../l10n';
import { portText } from '../tree/nodes/vmNode';

export const PANEL_VIEW_TYPE = 'jitAccess.grantsPanel';

export interface PanelGrant {
  id: string;
  vmId: string;
  vmName: string;
  cloud: string;
  ports: string;
  source: string;
  requester: string;
  mine: boolean;
  justification?: string;
  expiresAt: number;
  /** Start of the grant's lifetime, for the progress bar (creation time, or when first seen). */
  startedAt: number;
}

export interface PanelStrings {
  title: string;
  empty: string;
  vm: string;
  ports: string;
  source: string;
  requester: string;
  justification: string;
  timeLeft: string;
  actions: string;
  extend: string;
  revoke: string;
  you: string;
  expired: string;
  /** `{0}` = VM name, `{1}` = time left. */
  expiresSoon: string;
}

export type HostToPage = {
  type: 'update';
  grants: PanelGrant[];
  hostNow: number;
  strings: PanelStrings;
  warnMs: number;
};

export type PageToHost =
  { type: 'ready' } | { type: 'extend'; grantId: string } | { type: 'revoke'; grantId: string };

/** State the page saves with setState and the serializer hands back after a reload. */
export interface PanelState {
  grants?: PanelGrant[];
}

export function panelRows(
  grants: Grant[],
  isMine: (g: Grant) => boolean,
  firstSeen: (g: Grant) => number,
  now: number,
): PanelGrant[] {
  return grants
    .filter((g) => g.expiresAt > now)
    .sort((a, b) => a.expiresAt - b.expiresAt)
    .map((g) => ({
      id: g.id,
      vmId: g.vmId,
      vmName: g.vmName,
      cloud: g.cloud,
      ports: g.ports.map(portText).join(', '),
      source: g.source,
      requester: g.requester,
      mine: isMine(g),
      ...(g.justification ? { justification: g.justification } : {}),
      expiresAt: g.expiresAt,
      startedAt: Math.min(g.createdAt ?? firstSeen(g), now),
    }));
}

export function panelStrings(t: Localize): PanelStrings {
  return {
    title: t('Active JIT grants'),
    empty: t('No active grants.'),
    vm: t('VM'),
    ports: t('Ports'),
    source: t('Source'),
    requester: t('Requester'),
    justification: t('Justification'),
    timeLeft: t('Time left'),
    actions: t('Actions'),
    extend: t('Extend'),
    revoke: t('Revoke'),
    you: t('you'),
    expired: t('expired'),
    expiresSoon: t('Access to {0} expires in {1}'),
  };
}

/** Messages from the page are untrusted input: accept only the known shapes. */
export function parsePageMessage(message: unknown): PageToHost | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const m = message as Record<string, unknown>;
  if (m.type === 'ready') return { type: 'ready' };
  if (
    (m.type === 'extend' || m.type === 'revoke') &&
    typeof m.grantId === 'string' &&
    m.grantId.length < 200
  ) {
    return { type: m.type, grantId: m.grantId };
  }
  return undefined;
}
