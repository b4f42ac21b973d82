// A real OpenSSH server on loopback for the ssh-proxy test: fresh host and user keys in a temporary
// directory, `sshd -D -e` on a free 127.0.0.1 port, stopped (and its directory removed) by stop().
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../scripts/freePort';

export const SSHD = '/usr/sbin/sshd';

export class LoopbackSshd {
  readonly user = userInfo().username;
  private process?: ChildProcess;
  private log = '';

  private constructor(
    readonly dir: string,
    readonly port: number,
    readonly userKey: string,
  ) {}

  static async start(): Promise<LoopbackSshd> {
    const dir = mkdtempSync(join(tmpdir(), 'jit-sshd-'));
    const hostKey = join(dir, 'host_ed25519');
    const userKey = join(dir, 'user_ed25519');
    for (const key of [hostKey, userKey]) {
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'jit-test', '-f', key]);
    }
    writeFileSync(join(dir, 'authorized_keys'), execFileSync('ssh-keygen', ['-y', '-f', userKey]));
    // As root, sshd's privilege separation needs its empty chroot directory.
    if (process.getuid?.() === 0 && !existsSync('/run/sshd')) mkdirSync('/run/sshd', { mode: 0o755 });
    const port = await freePort();
    const config = join(dir, 'sshd_config');
    writeFileSync(
      config,
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${hostKey}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        'PermitRootLogin prohibit-password',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'StrictModes no',
        'UsePAM no',
        `PidFile ${join(dir, 'sshd.pid')}`,
        '',
      ].join('\n'),
    );
    const sshd = new LoopbackSshd(dir, port, userKey);
    await sshd.run(config);
    return sshd;
  }

  private async run(config: string): Promise<void> {
    const child = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.process = child;
    const listening = new Promise<void>((resolve, reject) => {
      child.stderr!.on('data', (d: Buffer) => {
        this.log += d.toString();
        if (this.log.includes('Server listening on')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`sshd exited (${code}) before listening:\n${this.log}`)));
    });
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`sshd did not start within 10 s:\n${this.log}`)), 10_000).unref(),
    );
    await Promise.race([listening, timeout]);
  }

  /** What sshd wrote to stderr so far (for assertion messages). */
  get output(): string {
    return this.log;
  }

  async stop(): Promise<void> {
    const child = this.process;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
