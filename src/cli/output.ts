// Where the CLI writes: results on stdout (a table, or JSON with --json), progress and warnings on
// stderr so that `--json` output stays parseable and pipes carry only results.
import { paint, table, wantsColor, type Colour, type Style } from './format';

export interface OutputStreams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export class Output {
  readonly style: Style;
  readonly errStyle: Style;

  constructor(
    private readonly streams: OutputStreams,
    readonly json: boolean,
    colour: boolean | undefined,
  ) {
    this.style = { color: colour ?? wantsColor(streams.stdout, streams.env) };
    this.errStyle = { color: colour ?? wantsColor(streams.stderr, streams.env) };
  }

  /** The reader of stdout went away (`jit sweep --watch | head -3`): streaming commands stop. */
  get closed(): boolean {
    return this.streams.stdout.writable === false;
  }

  /** A result: `human` unless --json, in which case `data` as one JSON document. */
  result(data: unknown, human: () => string): void {
    this.streams.stdout.write(this.json ? `${JSON.stringify(data, null, 2)}\n` : `${human()}\n`);
  }

  table(headers: string[], rows: string[][]): string {
    return table(headers, rows, this.style);
  }

  paint(colour: Colour, text: string): string {
    return paint(this.style, colour, text);
  }

  /** A line for a human watching (never in --json mode's stdout). */
  progress(message: string): void {
    this.streams.stderr.write(`${paint(this.errStyle, 'dim', message)}\n`);
  }

  warn(message: string): void {
    this.streams.stderr.write(`${paint(this.errStyle, 'yellow', `warning: ${message}`)}\n`);
  }

  error(message: string): void {
    this.streams.stderr.write(`${paint(this.errStyle, 'red', `jit: ${message}`)}\n`);
  }

  /** A line on stdout in human mode (used by streaming commands such as `sweep --watch`). */
  line(message: string): void {
    this.streams.stdout.write(`${message}\n`);
  }
}
