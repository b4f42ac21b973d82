// Starts moto_server (the independent EC2 reference, installed on CI and dev machines) on a free
// loopback port for one test run, and stops it again.
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../../../scripts/freePort';

export interface MotoServer {
  endpoint: string;
  stop(): Promise<void>;
}

async function waitUntilServing(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited early with code ${child.exitCode}`);
    try {
      await fetch(`${endpoint}/moto-api/`);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms`);
}

export async function startMoto(timeoutMs = 30_000): Promise<MotoServer> {
  const port = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    // Discarded, not piped: moto logs every request, and an undrained pipe blocks it after a few hundred.
    stdio: 'ignore',
  });
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (e) =>
      reject(
        new Error(
          `moto_server could not be started (${e.message}); install moto[server] 5.x — this test does not skip`,
        ),
      ),
    ),
  );
  const endpoint = `http://127.0.0.1:${port}`;
  await Promise.race([waitUntilServing(endpoint, child, timeoutMs), spawnError]);
  return {
    endpoint,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
