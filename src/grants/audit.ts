// The audit trail: one JSON object per line (who, what, when, from where, why, result), appended to a
// file the user can keep, ship or grep. Sinks are injected, so the extension and the CLI choose where.
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Cloud } from '../engine/model';

export type AuditAction = 'request' | 'extend' | 'revoke' | 'expire' | 'enable' | 'disable' | 'sweep';

export interface AuditRecord {
  /** ISO-8601 time the operation finished. */
  at: string;
  /** The cloud identity the operation ran as (requester). */
  who: string;
  action: AuditAction;
  /** Machine the tool ran on. */
  host: string;
  cloud?: Cloud;
  vmId?: string;
  vmName?: string;
  grantId?: string;
  /** `22/tcp` style. */
  ports?: string[];
  /** The source address range access was granted from. */
  source?: string;
  expiresAt?: string;
  why?: string;
  result: 'ok' | 'failed' | 'dry-run';
  error?: string;
  /** Who made the grant, when it is not `who` (a sweep removing someone else's grant). */
  grantRequester?: string;
}

export interface AuditSink {
  write(record: AuditRecord): Promise<void>;
}

/** Appends JSON lines to a file, creating its folder; writes are serialised so lines never interleave. */
export class JsonLinesAuditFile implements AuditSink {
  private queue: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  write(record: AuditRecord): Promise<void> {
    const line = `${JSON.stringify(record)}\n`;
    const next = this.queue.then(async () => {
      await mkdir(dirname(this.path), { recursive: true });
      await appendFile(this.path, line, { encoding: 'utf8', mode: 0o600 });
    });
    this.queue = next.catch(() => undefined);
    return next;
  }
}

/** Keeps records in memory (the extension's output channel, tests). */
export class MemoryAuditSink implements AuditSink {
  readonly records: AuditRecord[] = [];

  async write(record: AuditRecord): Promise<void> {
    this.records.push(record);
  }
}
