// The `jit` command: grants and JIT policies from a terminal, a script, a schedule or an ssh
// ProxyCommand. Parses arguments (commander), builds the grant service on first use, maps every
// failure to a documented exit code (exitCodes.ts).
import { Command, CommanderError, Option } from 'commander';
import { DEFAULT_JIT_PORTS, DEFAULT_MAX_DURATION_MS } from '../engine/model';
import { parseDuration, parsePorts, parseSource } from './args';
import { disableJit, enableJit } from './commands/policy';
import { extendAccess, requestAccess, revokeAccess } from './commands/grants';
import { runLocalCloud } from './commands/localCloud';
import { listVms, showStatus } from './commands/show';
import { sshProxy } from './commands/sshProxy';
import { sweepOnce, sweepWatch } from './commands/sweep';
import { CliContext, type GlobalOptions } from './context';
import { describeError, ExitCode, exitCodeFor, UsageError } from './exitCodes';
import { Output, type OutputStreams } from './output';

const now = (): number => Date.now();
const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function errorJson(error: unknown, code: number): unknown {
  const e = error as Error & { problems?: string[]; candidates?: unknown };
  return {
    error: {
      kind: e?.name ?? 'Error',
      message: describeError(error),
      exitCode: code,
      ...(e?.problems ? { problems: e.problems } : {}),
      ...(e?.candidates ? { candidates: e.candidates } : {}),
    },
  };
}

export function buildProgram(streams: OutputStreams, setExit: (code: number) => void): Command {
  const interactive = process.stdin.isTTY === true && streams.stderr.isTTY === true;

  /** Wraps a sub-command: context from the global options, errors to exit codes, clean-up. */
  const action =
    <A extends unknown[]>(fn: (ctx: CliContext, ...args: A) => Promise<number>) =>
    async (...args: unknown[]): Promise<void> => {
      const command = args[args.length - 1] as Command;
      const options = command.optsWithGlobals() as GlobalOptions;
      const out = new Output(streams, options.json === true, options.color);
      const ctx = new CliContext(out, options, interactive);
      try {
        setExit(await fn(ctx, ...(args.slice(0, -1) as A)));
      } catch (error) {
        const code = exitCodeFor(error);
        if (out.json) out.result(errorJson(error, code), () => '');
        out.error(describeError(error));
        setExit(code);
      } finally {
        await ctx.close();
      }
    };

  const program = new Command('jit')
    .description(
      'Just-in-time access to Azure and AWS VMs: see exposed management ports, request time-boxed access, sweep expired grants.',
    )
    .option(
      '--local [info]',
      'use the local cloud: its JSON line, a file holding it, or its admin URL (default: the file `jit local-cloud` writes, or $JIT_LOCAL_CLOUD)',
    )
    .option('--principal <name>', 'local cloud principal to act as', 'alice')
    .addOption(new Option('--cloud <cloud>', 'only this cloud').choices(['azure', 'aws']))
    .option(
      '--subscription <id>',
      'Azure subscription to cover (repeatable; default: all the credential sees)',
      collect,
    )
    .option(
      '--aws-profile <name>',
      'AWS profile to use (repeatable; default: every profile configured)',
      collect,
    )
    .option('--aws-region <region>', 'AWS region to cover (repeatable; default: $AWS_REGION)', collect)
    .option('--echo-url <url>', '"my IP" echo service (repeatable; at least two must agree)', collect)
    .option(
      '--audit-file <file>',
      'JSON-lines audit trail, or "none" (default: $XDG_STATE_HOME/jit-vm-access/audit.jsonl)',
    )
    .option('--json', 'machine-readable JSON on stdout')
    .option('--color', 'force colour')
    .option('--no-color', 'no colour (also: NO_COLOR set, or stdout not a terminal)')
    .option('-y, --yes', 'do not ask for confirmation')
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 1 operation failed, 2 bad input or usage, 3 permission denied,\n' +
        '            4 VM/grant not found or ambiguous, 5 throttled or endpoint unreachable.',
    )
    .exitOverride()
    .configureOutput({ writeOut: (s) => streams.stdout.write(s), writeErr: (s) => streams.stderr.write(s) });

  program
    .command('ls')
    .description('list VMs with their JIT status, exposed management ports and active grants')
    .action(action((ctx) => listVms(ctx, now())));

  program
    .command('status')
    .description("active grants (everyone's, or --mine) with the time left")
    .option('--mine', 'only grants you requested')
    .action(action((ctx, opts: { mine?: boolean }) => showStatus(ctx, opts.mine === true, now)));

  program
    .command('request')
    .description('request time-boxed access to a VM')
    .argument('<vm>', 'VM name, resource-group/name, ARM id or instance id')
    .option('-p, --port <port>', 'port, PORT/udp, or a comma list (repeatable; default 22)', collect)
    .option('--for <duration>', 'how long: 30m, 1h30m, PT2H (default 1h)', '1h')
    .option('--from <source>', '"myip" (detected, shown for confirmation) or an address/CIDR', 'myip')
    .option('--why <text>', "justification (required when the VM's policy says so)")
    .option(
      '--allow-any-source',
      'confirm a source meaning any address (*, 0.0.0.0/0) where the policy allows it',
    )
    .option('--dry-run', 'print the plan, change nothing')
    .action(
      action(
        (
          ctx,
          vm: string,
          o: {
            port?: string[];
            for: string;
            from: string;
            why?: string;
            allowAnySource?: boolean;
            dryRun?: boolean;
          },
        ) =>
          requestAccess(
            ctx,
            {
              vm,
              ports: parsePorts(o.port ?? ['22']),
              durationMs: parseDuration(o.for),
              source: parseSource(o.from),
              ...(o.why !== undefined ? { why: o.why } : {}),
              dryRun: o.dryRun === true,
              allowAnySource: o.allowAnySource === true,
            },
            now,
          ),
      ),
    );

  program
    .command('extend')
    .description('make one of your grants last until now + --for (within the policy maximum)')
    .argument('<vm-or-grant>', 'a grant id, or a VM (then your grant on it)')
    .option('--for <duration>', 'new duration counted from now', '1h')
    .option('--grant <id>', 'which grant, when the VM has several')
    .option('--any', "also someone else's grant")
    .action(
      action((ctx, ref: string, o: { for: string; grant?: string; any?: boolean }) =>
        extendAccess(
          ctx,
          ref,
          parseDuration(o.for),
          { ...(o.grant ? { grantId: o.grant } : {}), any: o.any === true },
          now,
        ),
      ),
    );

  program
    .command('revoke')
    .description('remove a grant now')
    .argument('<vm-or-grant>', 'a grant id, or a VM (then your grant on it)')
    .option('--grant <id>', 'which grant, when the VM has several')
    .option('--any', "also someone else's grants")
    .option('--all', 'every matching grant on the VM')
    .action(
      action((ctx, ref: string, o: { grant?: string; any?: boolean; all?: boolean }) =>
        revokeAccess(ctx, ref, {
          ...(o.grant ? { grantId: o.grant } : {}),
          any: o.any === true,
          all: o.all === true,
        }),
      ),
    );

  program
    .command('enable')
    .description('enable JIT on a VM: close its management ports except to granted requests')
    .argument('<vm>', 'VM name or id')
    .option('-p, --port <port>', `JIT port (repeatable; default ${DEFAULT_JIT_PORTS.join(', ')})`, collect)
    .option('--max <duration>', 'longest grant a request may get', `${DEFAULT_MAX_DURATION_MS / 3_600_000}h`)
    .option(
      '--source <cidr>',
      'allowed request source (repeatable; default * = any, with a warning)',
      collect,
    )
    .option('--require-justification', 'requests must say why')
    .option('--dry-run', 'print the plan, change nothing')
    .action(
      action(
        (
          ctx,
          vm: string,
          o: {
            port?: string[];
            max: string;
            source?: string[];
            requireJustification?: boolean;
            dryRun?: boolean;
          },
        ) =>
          enableJit(ctx, {
            vm,
            ports: parsePorts(o.port ?? DEFAULT_JIT_PORTS.map(String)),
            maxDurationMs: parseDuration(o.max),
            sources: o.source ?? ['*'],
            requireJustification: o.requireJustification === true,
            dryRun: o.dryRun === true,
          }),
      ),
    );

  program
    .command('disable')
    .description('disable JIT on a VM: restore exactly what enable changed and remove its grants')
    .argument('<vm>', 'VM name or id')
    .option('--dry-run', 'print the plan, change nothing')
    .action(action((ctx, vm: string, o: { dryRun?: boolean }) => disableJit(ctx, vm, o.dryRun === true)));

  program
    .command('sweep')
    .description("remove expired grants found in the cloud (anyone's) and repair interrupted operations")
    .option('--watch', 'keep sweeping every --interval until interrupted')
    .option('--interval <duration>', 'time between sweeps with --watch', '5m')
    .option(
      '--settle <duration>',
      'wait before removing a partly written grant (it may still be being written)',
      '10s',
    )
    .action(
      action((ctx, o: { watch?: boolean; interval: string; settle: string }) => {
        const settle = parseDuration(o.settle);
        return o.watch
          ? sweepWatch(ctx, parseDuration(o.interval), settle, now)
          : sweepOnce(ctx, settle, now);
      }),
    );

  program
    .command('local-cloud')
    .description(
      'start the local cloud (Azure + AWS emulators on 127.0.0.1) and print its JSON line; runs until Ctrl+C',
    )
    .option('--world <world>', 'demo, empty, or a saved world JSON file', 'demo')
    .option('--info-file <file>', 'also write the JSON line here (default: where `--local` looks)')
    .option('--latency <ms>', 'added latency per call')
    .action(
      action((ctx, o: { world: string; infoFile?: string; latency?: string }) =>
        runLocalCloud(ctx, {
          world: o.world,
          ...(o.infoFile ? { infoFile: o.infoFile } : {}),
          ...(o.latency ? { latencyMs: Number(o.latency) } : {}),
        }),
      ),
    );

  program
    .command('ssh-proxy')
    .description('ssh ProxyCommand: ensure a grant for <port>, then relay stdin/stdout to <host>:<port>')
    .argument('<vm>', 'VM name or id')
    .argument('<host>', 'address to connect to (ssh: %h)')
    .argument('<port>', 'port (ssh: %p)')
    .option('--for <duration>', 'duration of a new grant', '1h')
    .option('--from <source>', '"myip" or an address/CIDR', 'myip')
    .option('--why <text>', 'justification')
    .action(
      action(
        (ctx, vm: string, host: string, port: string, o: { for: string; from: string; why?: string }) => {
          const [spec] = parsePorts([port]);
          return sshProxy(
            ctx,
            {
              vm,
              host,
              port: spec.port,
              durationMs: parseDuration(o.for),
              source: parseSource(o.from),
              ...(o.why ? { why: o.why } : {}),
            },
            now,
          );
        },
      ),
    );

  return program;
}

export async function runCli(
  argv: string[],
  streams: OutputStreams = { stdout: process.stdout, stderr: process.stderr, env: process.env },
): Promise<number> {
  let code: number = ExitCode.ok;
  const program = buildProgram(streams, (c) => (code = c));
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.exitCode === 0
        ? ExitCode.ok
        : ExitCode.badInput;
    }
    streams.stderr.write(`jit: ${(error as Error).message}\n`);
    return error instanceof UsageError ? ExitCode.badInput : exitCodeFor(error);
  }
  return code;
}

/** A reader that went away (`jit ls | head`) ends our output, not the process mid-operation. */
function ignoreClosedPipe(error: NodeJS.ErrnoException): void {
  if (error.code !== 'EPIPE') throw error;
}

if (require.main === module) {
  // The AWS SDK warns on every run under Node < 22 that its future versions will need Node 22: noise
  // for a user of this command (the bundled SDK works), so off here unless the user set it themselves.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.stdout.on('error', ignoreClosedPipe);
  process.stderr.on('error', ignoreClosedPipe);
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`jit: ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = ExitCode.failed;
    },
  );
}
