// Every request a local-cloud server answers, in order, with bounded bodies so that Azure traffic
// can be exported in oav's traffic format and tests can assert on what a client actually sent.

export interface TrafficEntry {
  seq: number;
  /** ISO-8601 time the response was sent. */
  at: string;
  cloud: 'azure' | 'aws';
  method: string;
  path: string;
  /** Raw query string without the leading '?'. */
  query?: string;
  /** EC2 Action name (AWS). */
  action?: string;
  /** Principal name (not its secret). */
  principal?: string;
  status: number;
  isWrite: boolean;
  errorCode?: string;
  /** Request headers with credentials redacted. */
  requestHeaders?: Record<string, string>;
  responseHeaders?: Record<string, string>;
  requestBody?: string;
  responseBody?: string;
  /** True when a body was longer than the log keeps and was dropped. */
  bodyTruncated?: boolean;
}

export type TrafficInput = Omit<TrafficEntry, 'seq' | 'bodyTruncated'>;

export interface TrafficFilter {
  cloud?: 'azure' | 'aws';
  method?: string;
  /** Regular expression tested against the path. */
  pathPattern?: string;
  action?: string;
  principal?: string;
  writesOnly?: boolean;
  since?: number;
}

export interface TrafficLogOptions {
  maxEntries?: number;
  maxBodyChars?: number;
}

const REDACTED_HEADERS = new Set(['authorization', 'x-amz-security-token', 'cookie']);

export class TrafficLog {
  private list: TrafficEntry[] = [];
  private nextSeq = 1;
  private readonly maxEntries: number;
  private readonly maxBodyChars: number;

  constructor(opts: TrafficLogOptions = {}) {
    this.maxEntries = opts.maxEntries ?? 20_000;
    this.maxBodyChars = opts.maxBodyChars ?? 2_000_000;
  }

  record(input: TrafficInput): TrafficEntry {
    const entry: TrafficEntry = { ...input, seq: this.nextSeq++ };
    if (entry.requestHeaders) entry.requestHeaders = redactHeaders(entry.requestHeaders);
    for (const key of ['requestBody', 'responseBody'] as const) {
      const body = entry[key];
      if (body !== undefined && body.length > this.maxBodyChars) {
        delete entry[key];
        entry.bodyTruncated = true;
      }
    }
    this.list.push(entry);
    if (this.list.length > this.maxEntries) this.list.splice(0, this.list.length - this.maxEntries);
    return entry;
  }

  entries(filter: TrafficFilter | ((e: TrafficEntry) => boolean) = {}): TrafficEntry[] {
    const pred = typeof filter === 'function' ? filter : compileFilter(filter);
    return this.list.filter(pred);
  }

  writes(filter: TrafficFilter = {}): TrafficEntry[] {
    return this.entries({ ...filter, writesOnly: true });
  }

  /** The sequence number the next entry will get (use as `since` to see only later calls). */
  get nextSequence(): number {
    return this.nextSeq;
  }

  clear(): void {
    this.list = [];
  }
}

export function redactHeaders(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) out[k] = REDACTED_HEADERS.has(k.toLowerCase()) ? 'Sanitized' : v;
  return out;
}

function compileFilter(f: TrafficFilter): (e: TrafficEntry) => boolean {
  const pattern = f.pathPattern ? new RegExp(f.pathPattern, 'i') : undefined;
  return (e) =>
    (f.cloud === undefined || e.cloud === f.cloud) &&
    (f.method === undefined || e.method.toUpperCase() === f.method.toUpperCase()) &&
    (pattern === undefined || pattern.test(e.path)) &&
    (f.action === undefined || e.action === f.action) &&
    (f.principal === undefined || e.principal === f.principal) &&
    (!f.writesOnly || e.isWrite) &&
    (f.since === undefined || e.seq >= f.since);
}
