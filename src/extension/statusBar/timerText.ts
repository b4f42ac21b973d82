// What the status bar timer shows: the soonest-expiring grant of mine, a count when there are
// several, warning state under the threshold, and which grants are due an "about to expire" notice.
import type { Grant } from '../../engine/model';
import type { Localize } from '../l10n';
import { formatCountdown } from '../time/countdown';
import { portText } from '../tree/nodes/vmNode';

export interface TimerView {
  /** Status bar text, with a codicon. */
  text: string;
  /** One line per grant of mine, soonest first. */
  tooltipLines: string[];
  warning: boolean;
  soonest: Grant;
  count: number;
  /** Short text for screen readers. */
  accessibilityLabel: string;
}

export function activeGrantsOfMine(grants: Grant[], isMine: (g: Grant) => boolean, now: number): Grant[] {
  return grants.filter((g) => isMine(g) && g.expiresAt > now).sort((a, b) => a.expiresAt - b.expiresAt);
}

export function timerView(
  grants: Grant[],
  isMine: (g: Grant) => boolean,
  now: number,
  warnThresholdMs: number,
  t: Localize,
): TimerView | undefined {
  const mine = activeGrantsOfMine(grants, isMine, now);
  if (mine.length === 0) return undefined;
  const soonest = mine[0];
  const msLeft = soonest.expiresAt - now;
  const more = mine.length > 1 ? ` (+${mine.length - 1})` : '';
  const warning = msLeft <= warnThresholdMs;
  return {
    text: `$(${warning ? 'warning' : 'watch'}) ${soonest.vmName} ${formatCountdown(msLeft)}${more}`,
    tooltipLines: mine.map(
      (g) =>
        `${g.vmName} · ${g.ports.map(portText).join(', ')} · ${g.source} — ${formatCountdown(g.expiresAt - now)}`,
    ),
    warning,
    soonest,
    count: mine.length,
    accessibilityLabel:
      mine.length > 1
        ? t(
            'JIT access to {0} expires in {1}; {2} grants active',
            soonest.vmName,
            formatCountdown(msLeft),
            mine.length,
          )
        : t('JIT access to {0} expires in {1}', soonest.vmName, formatCountdown(msLeft)),
  };
}

/** Identifies one expiry: extending a grant re-arms its notice. */
export function expiryKey(grant: Grant): string {
  return `${grant.id}@${grant.expiresAt}`;
}

/** Grants of mine now inside the warning window that have not been announced yet. */
export function grantsDueWarning(
  grants: Grant[],
  isMine: (g: Grant) => boolean,
  now: number,
  warnThresholdMs: number,
  alreadyWarned: ReadonlySet<string>,
): Grant[] {
  return activeGrantsOfMine(grants, isMine, now).filter(
    (g) => g.expiresAt - now <= warnThresholdMs && !alreadyWarned.has(expiryKey(g)),
  );
}
