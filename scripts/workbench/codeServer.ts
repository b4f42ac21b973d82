// Runs the real VS Code workbench (code-server) on 127.0.0.1 with our .vsix (and the in-host test
// runner) installed into throw-away extension and user-data folders.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from '../freePort';
import { codeServerBin, node24Bin } from './tools';

export interface CodeServer {
  url: string;
  folder: string;
  userDataDir: string;
  log(): string;
  stop(): Promise<void>;
}

export interface CodeServerOptions {
  vsixes: string[];
  env?: Record<string, string>;
  /** User settings written before start (e.g. the colour theme). */
  settings?: Record<string, unknown>;
}

function toolEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, PATH: `${node24Bin}:${process.env.PATH ?? ''}`, ...extra };
}

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'jit-e2e-'));
  const extensionsDir = path.join(base, 'extensions');
  const userDataDir = path.join(base, 'user-data');
  const folder = path.join(base, 'workspace');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'telemetry.telemetryLevel': 'off',
        'security.workspace.trust.enabled': false,
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'extensions.ignoreRecommendations': true,
        'workbench.enableExperiments': false,
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        'chat.disableAIFeatures': true,
        ...options.settings,
      },
      null,
      2,
    ),
  );
  const common = ['--extensions-dir', extensionsDir, '--user-data-dir', userDataDir];
  for (const vsix of options.vsixes) {
    execFileSync(codeServerBin, [...common, '--install-extension', vsix], { env: toolEnv(), stdio: 'pipe' });
  }
  const port = await freePort();
  let output = '';
  const child: ChildProcess = spawn(
    codeServerBin,
    [
      ...common,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      folder,
    ],
    { env: toolEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}`;
  await waitForHttp(`http://127.0.0.1:${port}/healthz`, 60_000, () => output);
  return {
    url,
    folder,
    userDataDir,
    log: () => output,
    stop: async () => {
      if (child.exitCode === null && child.pid) {
        process.kill(-child.pid, 'SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
      fs.rmSync(base, { recursive: true, force: true });
    },
  };
}

async function waitForHttp(url: string, timeoutMs: number, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) {
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`code-server did not answer ${url} within ${timeoutMs} ms:\n${log()}`);
}
