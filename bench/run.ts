// `npm run bench`: runs every benchmark one after the other, each in its own process so one's heap
// and JIT state do not colour the next one's figures. Each prints its own table and JSON line.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const benches: [string, string[]][] = [
  ['engine.js', []],
  ['azure-inventory.js', ['--worlds', 'demo,50x200']],
  ['azure-request.js', []],
  ['aws-request.js', ['--moto']],
  ['activation.js', []],
];

let failed = 0;
for (const [file, args] of benches) {
  console.log(`\n=== bench/${file.replace(/\.js$/, '.ts')} ${args.join(' ')}`);
  const run = spawnSync(process.execPath, [path.join(__dirname, file), ...args], { stdio: 'inherit' });
  if (run.status !== 0) failed++;
}
process.exitCode = failed === 0 ? 0 : 1;
