import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonLinesAuditFile, type AuditRecord } from '../../../src/grants/audit';

function record(i: number): AuditRecord {
  return {
    at: new Date(i).toISOString(),
    who: 'alice',
    action: 'request',
    host: 'h',
    result: 'ok',
    vmName: `vm${i}`,
  };
}

describe('JsonLinesAuditFile', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'jit-audit-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('appends one parseable JSON object per line, in order, creating the folder', async () => {
    const sink = new JsonLinesAuditFile(join(dir, 'nested', 'audit.jsonl'));
    await Promise.all(Array.from({ length: 50 }, (_, i) => sink.write(record(i))));
    const lines = (await readFile(sink.path, 'utf8')).trimEnd().split('\n');
    assert.equal(lines.length, 50);
    assert.deepEqual(
      lines.map((l) => (JSON.parse(l) as AuditRecord).vmName),
      Array.from({ length: 50 }, (_, i) => `vm${i}`),
    );
    assert.equal((await stat(sink.path)).mode & 0o077, 0, 'audit file is private to the user');
  });
});
