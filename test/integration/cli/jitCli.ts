// Runs the real `jit` command (out/src/cli/main.js) as a child process against a local cloud.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { LocalCloud } from '../../../src/localcloud/index';

export const CLI = resolve(__dirname, '../../../src/cli/main.js');

export interface JitRun {
  code: number;
  stdout: string;
  stderr: string;
}

export class JitCli {
  readonly dir = mkdtempSync(join(tmpdir(), 'jit-cli-'));
  readonly infoFile = join(this.dir, 'local-cloud.json');
  readonly env: NodeJS.ProcessEnv;

  constructor(cloud: LocalCloud) {
    writeFileSync(this.infoFile, JSON.stringify(cloud.info));
    this.env = {
      ...process.env,
      XDG_STATE_HOME: join(this.dir, 'state'),
      NO_COLOR: '1',
      NODE_NO_WARNINGS: '1',
      JIT_LOCAL_CLOUD: this.infoFile,
    };
  }

  get auditFile(): string {
    return join(this.dir, 'state', 'jit-vm-access', 'audit.jsonl');
  }

  run(args: string[], localInfo: string = this.infoFile): Promise<JitRun> {
    return new Promise((done) => {
      execFile(
        process.execPath,
        [CLI, '--local', localInfo, ...args],
        { env: this.env, timeout: 60_000 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 99) : 0;
          done({ code, stdout, stderr });
        },
      );
    });
  }

  spawn(args: string[]): ChildProcess {
    return spawn(process.execPath, [CLI, '--local', this.infoFile, ...args], {
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }
}
