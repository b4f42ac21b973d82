// How a remaining time is shown in the tree, status bar, tooltips and notifications.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

function pad2(n: number): string {
  return n.toString().padStart(2, '0');
}

/** `1:05:09` above an hour, `5:09` below, `0:00` once expired. Rounds up so `0:00` means gone. */
export function formatCountdown(msLeft: number): string {
  const totalSeconds = Math.max(0, Math.ceil(msLeft / SECOND));
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  return hours > 0 ? `${hours}:${pad2(minutes)}:${pad2(seconds)}` : `${minutes}:${pad2(seconds)}`;
}

/** A duration as a short phrase for pickers and descriptions: `3 h`, `1 h 30 min`, `45 min`, `30 s`. */
export function formatDurationShort(ms: number): string {
  if (ms < MINUTE) return `${Math.max(0, Math.round(ms / SECOND))} s`;
  const hours = Math.floor(ms / HOUR);
  const minutes = Math.round((ms % HOUR) / MINUTE);
  if (hours === 0) return `${minutes} min`;
  return minutes === 0 ? `${hours} h` : `${hours} h ${minutes} min`;
}

/** The share of a grant's lifetime still left, 0..1, for progress bars. */
export function fractionLeft(now: number, expiresAt: number, startedAt: number): number {
  const total = expiresAt - startedAt;
  if (total <= 0) return 0;
  return Math.min(1, Math.max(0, (expiresAt - now) / total));
}
