// Activation time and package size of the extension, printed as figures.
//   node out/bench/activation.js [--bundle dist/extension.js] [--runs 20]
// Activation is measured by loading the built extension in a fresh Node process with a stand-in
// `vscode` module (every API call returns a no-op disposable) and timing require + activate().
// It reports which heavy modules were loaded by activation (there must be none: the SDKs and the
// local cloud load on first use). The in-host suite reports the same figure from the real workbench.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

const root = path.resolve(__dirname, '..', '..');
const ACTIVATION_TARGET_MS = 50;
const VSIX_TARGET_BYTES = 3 * 1024 * 1024;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

/** Runs in a child process: one cold activation. */
const CHILD = `
const Module = require('module');
const started = process.hrtime.bigint();
const handler = { get: (t, p) => p === 'then' ? undefined : p === Symbol.toPrimitive ? () => '' : stub, apply: () => stub, construct: () => stub, set: () => true };
const stub = new Proxy(function () {}, handler);
const realResolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) { return request === 'vscode' ? 'vscode' : realResolve.call(this, request, ...rest); };
require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: stub };
const before = new Set(Object.keys(require.cache));
let t0, t1, t2;
try {
  t0 = process.hrtime.bigint();
  const ext = require(process.argv[1]);
  t1 = process.hrtime.bigint();
  const context = { subscriptions: [], extensionUri: stub, globalState: stub, globalStorageUri: stub };
  ext.activate(context);
  t2 = process.hrtime.bigint();
} catch (e) {
  process.stdout.write(JSON.stringify({ error: String(e && e.message || e).slice(0, 300) }));
  process.exit(0);
}
const loaded = Object.keys(require.cache).filter((k) => !before.has(k));
const heavy = loaded.filter((k) => /node_modules[\\\\/](@azure|@aws-sdk|@smithy)|localcloud|grantService|chunk\\.js$/.test(k));
// The extension's timers would keep this process alive: exit once the figures are out.
process.stdout.write(JSON.stringify({ requireMs: Number(t1 - t0) / 1e6, activateMs: Number(t2 - t1) / 1e6, modules: loaded.length, heavy, totalMs: Number(t2 - started) / 1e6 }), () => process.exit(0));
`;

interface Run {
  requireMs: number;
  activateMs: number;
  modules: number;
  heavy: string[];
}

function measure(entry: string, runs: number): { median: Run; runs: Run[] } {
  const results: Run[] = [];
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, ['-e', CHILD, entry], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const run = JSON.parse(out) as Run & { error?: string };
    if (run.error) throw new Error(`activating ${path.relative(root, entry)} failed: ${run.error}`);
    results.push(run);
  }
  const sorted = [...results].sort((a, b) => a.requireMs + a.activateMs - (b.requireMs + b.activateMs));
  return { median: sorted[Math.floor(sorted.length / 2)], runs: results };
}

/** Files the .vsix would hold, following .vscodeignore's `**` + `!pattern` allow-list. */
function packagedFiles(): string[] {
  const lines = fs
    .readFileSync(path.join(root, '.vscodeignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('!'))
    .map((l) => l.slice(1));
  const files: string[] = [];
  for (const pattern of lines) {
    if (pattern.endsWith('/**')) {
      const dir = path.join(root, pattern.slice(0, -3));
      if (fs.existsSync(dir)) files.push(...walk(dir));
    } else if (pattern.includes('*')) {
      const dir = path.join(root, path.dirname(pattern));
      const re = new RegExp(`^${path.basename(pattern).replace(/\./g, '\\.').replace(/\*/g, '.*')}$`);
      if (fs.existsSync(dir))
        files.push(
          ...fs
            .readdirSync(dir)
            .filter((f) => re.test(f))
            .map((f) => path.join(dir, f)),
        );
    } else if (fs.existsSync(path.join(root, pattern))) {
      files.push(path.join(root, pattern));
    }
  }
  return [...new Set(files)];
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : [p];
  });
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

function main(): void {
  const runs = Number(arg('runs', '15'));
  const bundle = path.resolve(root, arg('bundle', 'dist/extension.js'));
  const compiled = path.join(root, 'out/src/extension/extension.js');
  console.log(
    `Activation (median of ${runs} cold runs, stand-in vscode module; target < ${ACTIVATION_TARGET_MS} ms)`,
  );
  let ok = true;
  for (const [label, entry] of [
    ['bundle  ', bundle],
    ['compiled', compiled],
  ] as const) {
    if (!fs.existsSync(entry)) {
      console.log(`  ${label} ${path.relative(root, entry)}: missing (build it first)`);
      continue;
    }
    const { median } = measure(entry, runs);
    const total = median.requireMs + median.activateMs;
    const pass = total < ACTIVATION_TARGET_MS && median.heavy.length === 0;
    // The shipped bundle is what counts; the unbundled build (one file per module) is shown for comparison.
    if (entry === bundle) ok &&= pass;
    console.log(
      `  ${label} ${path.relative(root, entry)}: load ${median.requireMs.toFixed(1)} ms + activate ${median.activateMs.toFixed(1)} ms = ${total.toFixed(1)} ms, ${median.modules} module(s), heavy at activation: ${median.heavy.length ? median.heavy.map((h) => path.relative(root, h)).join(', ') : 'none'} ${pass ? 'OK' : 'OVER TARGET'}`,
    );
  }

  console.log('\nPackage size');
  if (fs.existsSync(bundle))
    console.log(`  ${path.relative(root, bundle)}: ${kib(fs.statSync(bundle).size)}`);
  const chunks = fs.existsSync(path.dirname(bundle))
    ? fs.readdirSync(path.dirname(bundle)).filter((f) => /^extension\..*chunk\.js$/.test(f))
    : [];
  const chunkBytes = chunks.reduce((n, f) => n + fs.statSync(path.join(path.dirname(bundle), f)).size, 0);
  console.log(`  lazy chunks: ${chunks.length} file(s), ${kib(chunkBytes)}`);
  const vsix = fs.readdirSync(root).find((f) => f.endsWith('.vsix'));
  const files = packagedFiles();
  const raw = files.reduce((n, f) => n + fs.statSync(f).size, 0);
  const deflated = files.reduce(
    (n, f) => n + zlib.deflateRawSync(fs.readFileSync(f), { level: 9 }).length + 100,
    0,
  );
  console.log(
    `  files .vscodeignore packages: ${files.length}, ${kib(raw)} raw, ~${kib(deflated)} zipped (estimate)`,
  );
  const missingChunks = chunks.filter((c) => !files.includes(path.join(path.dirname(bundle), c)));
  if (missingChunks.length) {
    console.log(
      `  WARNING: .vscodeignore leaves out ${missingChunks.length} lazy chunk(s) the bundle loads at runtime`,
    );
  }
  const vsixBytes = vsix ? fs.statSync(path.join(root, vsix)).size : deflated;
  const vsixOk = vsixBytes < VSIX_TARGET_BYTES;
  ok &&= vsixOk;
  console.log(
    `  .vsix: ${vsix ? `${vsix} ${kib(vsixBytes)}` : `~${kib(vsixBytes)} (no .vsix built; estimate)`} (target < ${kib(VSIX_TARGET_BYTES)}) ${vsixOk ? 'OK' : 'OVER TARGET'}`,
  );
  process.exitCode = ok ? 0 : 1;
}

main();
