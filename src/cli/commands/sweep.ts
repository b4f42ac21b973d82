// `jit sweep [--watch]`: remove every expired grant found in the cloud (anyone's) and finish or undo
// interrupted operations. Exit code 0 when everything visible was swept, 1 when something failed.
import type { SweepReport } from '../../grants/api';
import type { CliContext } from '../context';
import { formatPorts } from '../format';

function printReport(ctx: CliContext, report: SweepReport, at: number): void {
  ctx.out.result(
    {
      at: new Date(at).toISOString(),
      removed: report.removed.map((g) => ({
        id: g.id,
        vmId: g.vmId,
        vmName: g.vmName,
        requester: g.requester,
        expiresAt: new Date(g.expiresAt).toISOString(),
      })),
      repaired: report.repaired,
      failures: report.failures,
    },
    () => {
      const lines = [
        ...report.removed.map(
          (g) =>
            `removed expired grant ${g.id}: ${formatPorts(g.ports)} on ${g.vmName} from ${g.source} (${g.requester})`,
        ),
        ...report.repaired.map((r) => `repaired ${r}`),
        ...report.failures.map((f) => ctx.out.paint('red', `failed ${f.vmId}: ${f.message}`)),
      ];
      const stamp = new Date(at).toISOString().replace(/\.\d+Z$/, 'Z');
      return lines.length === 0 ? `${stamp} nothing to sweep` : lines.map((l) => `${stamp} ${l}`).join('\n');
    },
  );
}

export async function sweepOnce(ctx: CliContext, settleMs: number, now: () => number): Promise<number> {
  const service = await ctx.service({ incompleteSettleMs: settleMs });
  const report = await service.sweep();
  printReport(ctx, report, now());
  return report.failures.length > 0 ? 1 : 0;
}

/** Sweeps every `intervalMs` until SIGINT/SIGTERM; the exit code reflects the last sweep. */
export async function sweepWatch(
  ctx: CliContext,
  intervalMs: number,
  settleMs: number,
  now: () => number,
): Promise<number> {
  const service = await ctx.service({ incompleteSettleMs: settleMs });
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const onSignal = () => stop();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let code = 0;
  try {
    ctx.out.progress(`Sweeping every ${Math.round(intervalMs / 1000)}s; Ctrl+C to stop.`);
    for (;;) {
      try {
        const report = await service.sweep();
        printReport(ctx, report, now());
        code = report.failures.length > 0 ? 1 : 0;
      } catch (e) {
        ctx.out.error((e as Error).message);
        code = 1;
      }
      if (ctx.out.closed) return code;
      let timer: NodeJS.Timeout | undefined;
      const next = new Promise<'next'>((r) => (timer = setTimeout(() => r('next'), intervalMs)));
      const which = await Promise.race([next, stopped.then(() => 'stop' as const)]);
      clearTimeout(timer);
      if (which === 'stop') return code;
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
