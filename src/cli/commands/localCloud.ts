// `jit local-cloud`: starts the local cloud in this process, prints its JSON line (LocalCloudInfo) on
// stdout, writes it where `jit --local` finds it, and runs until SIGINT/SIGTERM.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CliContext } from '../context';
import { defaultLocalInfoFile } from '../connection';

export interface LocalCloudArgs {
  world: string;
  infoFile?: string;
  latencyMs?: number;
}

export async function runLocalCloud(ctx: CliContext, args: LocalCloudArgs): Promise<number> {
  const { startLocalCloud } = await import('../../localcloud/index');
  const { readFile } = await import('node:fs/promises');
  const world =
    args.world === 'demo' || args.world === 'empty'
      ? args.world
      : JSON.parse(await readFile(args.world, 'utf8'));
  const cloud = await startLocalCloud({
    world,
    ...(args.latencyMs ? { realism: { latencyMs: args.latencyMs } } : {}),
  });
  const line = JSON.stringify(cloud.info);
  const infoFile = args.infoFile ?? defaultLocalInfoFile();
  await mkdir(dirname(infoFile), { recursive: true });
  await writeFile(infoFile, `${line}\n`, { mode: 0o600 });
  ctx.out.line(line);
  ctx.out.progress(
    `Local cloud running (Azure ${cloud.info.azure.endpoint}, AWS ${cloud.info.aws.endpoint}); use \`jit --local ...\`. Ctrl+C stops it.`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await cloud.stop();
  await rm(infoFile, { force: true });
  return 0;
}
