// What every sub-command gets: parsed global options, the output, and a grant service built on first
// use (so that `--help` and bad arguments never build a cloud client).
import {
  EndpointUnreachableError,
  PermissionDeniedError,
  ThrottledError,
  VmNotFoundError,
} from '../cloud/errors';
import type { ClassifiedVm, EstateSnapshot } from '../grants/api';
import { GrantService, type GrantServiceSettings } from '../grants/grantService';
import { resolveVm } from '../grants/resolveVm';
import { connect, type Connection, type ConnectionOptions } from './connection';
import type { Output } from './output';

export interface GlobalOptions extends ConnectionOptions {
  json?: boolean;
  color?: boolean;
  yes?: boolean;
}

export class CliContext {
  private connection?: Promise<Connection>;
  private grantService?: GrantService;

  constructor(
    readonly out: Output,
    readonly options: GlobalOptions,
    readonly interactive: boolean,
  ) {}

  async service(settings: Partial<GrantServiceSettings> = {}): Promise<GrantService> {
    if (!this.grantService) {
      this.connection ??= connect(this.options);
      const c = await this.connection;
      this.grantService = new GrantService({
        providers: c.providers,
        myIp: c.myIp,
        audit: c.audit,
        // One-shot commands: no background sweeps or timers unless the command asks.
        settings: { sweepOnStart: false, sweepIntervalMs: 0, expiryTimers: 'none', ...settings },
      });
    }
    return this.grantService;
  }

  async snapshot(): Promise<EstateSnapshot> {
    const service = await this.service();
    const snapshot = await service.snapshot({ refresh: true });
    for (const f of snapshot.failures) this.out.warn(`${f.scope.label}: ${f.message}`);
    return snapshot;
  }

  /** A VM not found while some scope could not be listed is reported as that scope's failure. */
  async resolve(ref: string): Promise<ClassifiedVm> {
    const snapshot = await this.snapshot();
    try {
      return resolveVm(snapshot, ref);
    } catch (e) {
      const failure = snapshot.failures[0];
      if (!(e instanceof VmNotFoundError) || !failure) throw e;
      const detail = `${ref} not found; ${failure.scope.label} could not be listed: ${failure.message}`;
      if (failure.kind === 'throttled') throw new ThrottledError(undefined, detail);
      if (failure.kind === 'unreachable')
        throw new EndpointUnreachableError(failure.scope.label, failure.message);
      if (failure.kind === 'permission') throw new PermissionDeniedError(['read'], failure.scope.label);
      throw new Error(detail);
    }
  }

  async close(): Promise<void> {
    this.grantService?.dispose();
    const c = await this.connection?.catch(() => undefined);
    c?.close();
  }
}
