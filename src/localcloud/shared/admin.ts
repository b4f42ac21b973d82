// The admin endpoint both servers expose under /__admin (no auth; servers bind loopback only).
// It changes realism knobs, injects faults, reads the traffic log and saves/loads the world.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from './http';
import type { FaultRule, Realism, RealismOptions } from './realism';
import type { TrafficLog } from './trafficLog';

export const ADMIN_PREFIX = '/__admin';

export interface AdminContext {
  realism: Realism;
  traffic: TrafficLog;
  /** The whole world (both clouds) as JSON. */
  getState(): unknown;
  /** Replaces the whole world; throws on a malformed state. */
  setState(state: unknown): void;
  /** What a client needs to connect (the command line's JSON line), so a URL alone is enough. */
  getInfo(): unknown;
}

export function isAdminPath(path: string): boolean {
  return path === ADMIN_PREFIX || path.startsWith(`${ADMIN_PREFIX}/`);
}

/** Answers an admin request; the caller has already checked isAdminPath. */
export async function handleAdmin(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: AdminContext,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const route = `${req.method ?? 'GET'} ${url.pathname.slice(ADMIN_PREFIX.length) || '/'}`;
  try {
    switch (route) {
      case 'GET /traffic': {
        const since = Number(url.searchParams.get('since') ?? '0');
        sendJson(res, 200, { entries: ctx.traffic.entries({ since }) });
        return;
      }
      case 'GET /info':
        sendJson(res, 200, ctx.getInfo());
        return;
      case 'DELETE /traffic':
        ctx.traffic.clear();
        sendJson(res, 200, { cleared: true });
        return;
      case 'GET /realism':
        sendJson(res, 200, { options: ctx.realism.options, faults: ctx.realism.faults() });
        return;
      case 'POST /realism':
        ctx.realism.set((await readJson(req)) as Partial<RealismOptions>);
        sendJson(res, 200, { options: ctx.realism.options });
        return;
      case 'POST /faults': {
        const rule = (await readJson(req)) as FaultRule;
        if (!rule || typeof rule !== 'object' || rule.effect === undefined)
          throw new AdminError('a fault needs an effect');
        sendJson(res, 200, { id: ctx.realism.addFault(rule) });
        return;
      }
      case 'DELETE /faults':
        ctx.realism.clearFaults();
        sendJson(res, 200, { cleared: true });
        return;
      case 'GET /state':
        sendJson(res, 200, ctx.getState());
        return;
      case 'PUT /state':
        ctx.setState(await readJson(req));
        sendJson(res, 200, { loaded: true });
        return;
      case 'POST /clock': {
        const { offsetMs } = (await readJson(req)) as { offsetMs?: unknown };
        if (typeof offsetMs !== 'number') throw new AdminError('offsetMs must be a number');
        ctx.realism.setClockOffset(offsetMs);
        sendJson(res, 200, { offsetMs });
        return;
      }
      default:
        sendJson(res, 404, { error: `no admin route ${route}` });
    }
  } catch (e) {
    sendJson(res, 400, { error: e instanceof Error ? e.message : String(e) });
  }
}

class AdminError extends Error {}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = await readBody(req);
  return text ? JSON.parse(text) : {};
}
