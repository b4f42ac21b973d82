// Command line: starts the local cloud, prints one JSON line (LocalCloudInfo) on stdout and runs
// until SIGINT/SIGTERM, then stops cleanly (optionally saving the world first).
import { readFileSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { startLocalCloud, type StartOptions } from './index';
import { parseGenerateSpec } from './worlds/azureGenerator';
import type { WorldState } from './worlds/index';

interface CliOptions {
  world: string;
  generate?: string;
  latency?: string;
  jitter?: string;
  throttle?: string;
  lroDelay?: string;
  retryAfter?: string;
  azurePort: string;
  awsPort: string;
  save?: string;
}

export async function main(argv: string[]): Promise<void> {
  const program = new Command()
    .name('localcloud')
    .description('Local Azure Resource Manager and AWS EC2 emulation on 127.0.0.1')
    .option('--world <demo|empty|FILE.json>', 'world to start with', 'demo')
    .option('--generate <SUBSxVMS>', 'generate a large world, e.g. 50x200')
    .option('--latency <ms>', 'fixed latency per call')
    .option('--jitter <ms>', 'random extra latency per call')
    .option('--throttle <scale>', 'enable real throttling buckets scaled by this factor (1 = real)')
    .option('--lro-delay <ms>', 'how long Azure long-running operations stay InProgress')
    .option('--retry-after <s>', 'Retry-After on Azure long-running operations (default: the real values)')
    .option('--azure-port <port>', 'ARM HTTPS port (0 = any free port)', '0')
    .option('--aws-port <port>', 'EC2 HTTP port (0 = any free port)', '0')
    .option('--save <FILE.json>', 'save the world to this file when stopping')
    .parse(argv);
  const o = program.opts<CliOptions>();
  const num = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v));
  const start: StartOptions = {
    world: o.generate
      ? { generate: parseGenerateSpec(o.generate) }
      : o.world === 'demo' || o.world === 'empty'
        ? o.world
        : (JSON.parse(readFileSync(o.world, 'utf8')) as WorldState),
    realism: {
      latencyMs: num(o.latency),
      jitterMs: num(o.jitter),
      throttle: o.throttle !== undefined ? { scale: Number(o.throttle) } : undefined,
      lroDelayMs: num(o.lroDelay),
      retryAfterSeconds: num(o.retryAfter),
    },
    azurePort: Number(o.azurePort),
    awsPort: Number(o.awsPort),
  };
  const cloud = await startLocalCloud(start);
  process.stdout.write(`${JSON.stringify(cloud.info)}\n`);
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    if (o.save) writeFileSync(o.save, JSON.stringify(cloud.state()));
    await cloud.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

if (require.main === module) {
  main(process.argv).catch((e: unknown) => {
    process.stderr.write(`localcloud: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
