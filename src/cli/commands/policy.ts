// `jit enable` and `jit disable`, with --dry-run printing the plan instead of applying it.
import type { JitPolicy, PortSpec } from '../../engine/model';
import { assertValid, validatePolicy } from '../../engine/validation';
import type { OperationOutcome } from '../../grants/api';
import type { CliContext } from '../context';

export interface EnableArgs {
  vm: string;
  ports: PortSpec[];
  maxDurationMs: number;
  sources: string[];
  requireJustification: boolean;
  dryRun: boolean;
}

function printOutcome(ctx: CliContext, vmName: string, verb: string, outcome: OperationOutcome): void {
  for (const w of outcome.warnings) ctx.out.warn(w);
  ctx.out.result({ vm: vmName, dryRun: outcome.dryRun, plan: outcome.plan, calls: outcome.calls }, () => {
    const steps = outcome.plan.preview.map((l, i) => `  ${i + 1}. ${l}`);
    if (outcome.dryRun) {
      return [`Dry run: ${verb} on ${vmName} would make ${steps.length} change(s):`, ...steps].join('\n');
    }
    return steps.length === 0
      ? `${vmName}: nothing to change (${verb} already in effect).`
      : [`${vmName}: ${verb} done in ${steps.length} change(s):`, ...steps].join('\n');
  });
}

export async function enableJit(ctx: CliContext, args: EnableArgs): Promise<number> {
  const target = await ctx.resolve(args.vm);
  const policy: JitPolicy = assertValid(
    validatePolicy({
      vmId: target.vm.id,
      requireJustification: args.requireJustification,
      ports: args.ports.map((p) => ({
        port: p.port,
        protocol: p.protocol,
        allowedSourcePrefixes: args.sources,
        maxDurationMs: args.maxDurationMs,
      })),
    }),
  );
  const service = await ctx.service();
  printOutcome(
    ctx,
    target.vm.name,
    'enable JIT',
    await service.enable(target.vm.id, policy, { dryRun: args.dryRun }),
  );
  return 0;
}

export async function disableJit(ctx: CliContext, vm: string, dryRun: boolean): Promise<number> {
  const target = await ctx.resolve(vm);
  const service = await ctx.service();
  printOutcome(ctx, target.vm.name, 'disable JIT', await service.disable(target.vm.id, { dryRun }));
  return 0;
}
