// Human output: aligned tables, a short "time left", and colour only for a terminal that wants it
// (stdout is a TTY, NO_COLOR is unset, TERM is not "dumb").

export interface Style {
  color: boolean;
}

export function wantsColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && env.NO_COLOR === undefined && env.TERM !== 'dumb';
}

const CODES = { red: 31, green: 32, yellow: 33, blue: 34, dim: 2, bold: 1 } as const;
export type Colour = keyof typeof CODES;

export function paint(style: Style, colour: Colour, text: string): string {
  return style.color ? `\u001b[${CODES[colour]}m${text}\u001b[0m` : text;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

function visibleWidth(text: string): number {
  return [...text.replace(ANSI, '')].length;
}

/** Columns padded to their widest cell; the last column is not padded (no trailing spaces). */
export function table(headers: string[], rows: string[][], style: Style): string {
  const widths = headers.map((h, i) =>
    Math.max(visibleWidth(h), ...rows.map((r) => visibleWidth(r[i] ?? ''))),
  );
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat(widths[i] - visibleWidth(c))))
      .join('  ')
      .trimEnd();
  return [line(headers.map((h) => paint(style, 'bold', h))), ...rows.map(line)].join('\n');
}

/** `2h 05m`, `4m 30s`, `45s`, or `expired`. */
export function formatTimeLeft(ms: number): string {
  if (ms <= 0) return 'expired';
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/** `22/tcp, 3389/tcp`. */
export function formatPorts(ports: { port: number; protocol: string }[]): string {
  return ports.map((p) => `${p.port}/${p.protocol === '*' ? 'any' : p.protocol}`).join(', ');
}
