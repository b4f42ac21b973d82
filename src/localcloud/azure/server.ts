// The ARM HTTPS server: authentication, RBAC, throttling, latency, fault injection, traffic
// recording and dispatch to the route table. Serves /__admin too.
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleAdmin, isAdminPath, type AdminContext } from '../shared/admin';
import { closeServer, flatHeaders, listenLoopback, readBody, sendJson } from '../shared/http';
import { isActionAllowed, type AzurePrincipal } from '../shared/principals';
import type { Realism } from '../shared/realism';
import type { LocalTls } from '../shared/tls';
import type { TrafficLog } from '../shared/trafficLog';
import { SerializedJson, type Reply, type RequestContext } from './context';
import { ArmError, errors } from './errors';
import { LroStore } from './lro';
import { GRAPH_QUOTA } from './resourceGraph';
import { matchRoute } from './routes';
import type { AzureWorldState } from './worldState';
import { worldChanged } from './worldVersion';

/** Real ARM subscription buckets (per region since 2024). */
export const ARM_BUCKETS = {
  reads: { capacity: 250, refillPerSecond: 25 },
  writes: { capacity: 200, refillPerSecond: 10 },
};

export interface AzureServerOptions {
  /** Returns the current Azure world (it may be replaced through the admin endpoint). */
  world: () => AzureWorldState;
  realism: Realism;
  traffic: TrafficLog;
  tls: LocalTls;
  admin: AdminContext;
  port?: number;
}

export interface AzureServer {
  endpoint: string;
  /** Forget pending long-running operations (after loading another world). */
  resetOperations(): void;
  close(): Promise<void>;
}

export async function createAzureServer(opts: AzureServerOptions): Promise<AzureServer> {
  const lro = new LroStore();
  const server: Server = createServer({ key: opts.tls.keyPem, cert: opts.tls.certPem }, (req, res) => {
    serve(req, res, opts, lro).catch((e: unknown) => {
      if (!res.headersSent)
        sendJson(res, 500, { error: { code: 'InternalServerError', message: String(e) } });
    });
  });
  const port = await listenLoopback(server, opts.port ?? 0);
  return {
    endpoint: `https://127.0.0.1:${port}`,
    resetOperations: () => lro.clear(),
    close: () => closeServer(server),
  };
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  opts: AzureServerOptions,
  lro: LroStore,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://127.0.0.1');
  if (isAdminPath(url.pathname)) return handleAdmin(req, res, opts.admin);
  const method = (req.method ?? 'GET').toUpperCase();
  const rawBody = await readBody(req);
  const headers = flatHeaders(req.headers);
  const matched = matchRoute(method, url.pathname);
  const isWrite = 'route' in matched ? matched.route.isWrite : method !== 'GET';
  const { realism, traffic } = opts;
  const world = opts.world();
  let principal: AzurePrincipal | undefined;
  const responseHeaders: Record<string, string> = {
    'x-ms-request-id': crypto.randomUUID(),
    'x-ms-correlation-request-id': headers['x-ms-correlation-request-id'] ?? crypto.randomUUID(),
  };

  const finish = (
    status: number,
    body: unknown,
    extra: Record<string, string> = {},
    errorCode?: string,
  ): void => {
    const all = { ...responseHeaders, ...extra };
    const text =
      body instanceof SerializedJson
        ? sendSerialized(res, status, body.text, all)
        : sendJson(res, status, body, all);
    traffic.record({
      at: new Date(realism.now()).toISOString(),
      cloud: 'azure',
      method,
      path: url.pathname,
      query: url.search.slice(1) || undefined,
      principal: principal?.name,
      status,
      isWrite,
      errorCode,
      requestHeaders: headers,
      responseHeaders: { ...all, ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}) },
      requestBody: rawBody || undefined,
      responseBody: text || undefined,
    });
  };
  const fail = (e: ArmError): void => finish(e.status, e.body(), e.headers, e.code);

  try {
    await realism.delay();
    const fault = realism.faultFor({ cloud: 'azure', method, path: url.pathname, isWrite });
    if (fault === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault === 'hang') return; // never answered; closeServer destroys the socket on stop
    principal = authenticate(headers, world);
    const sub = /^\/subscriptions\/([^/]+)/i.exec(url.pathname)?.[1]?.toLowerCase() ?? 'tenant';
    const kind = isWrite ? 'writes' : 'reads';
    const bucket = realism.takeToken(`azure:${sub}:${kind}`, ARM_BUCKETS[kind]);
    responseHeaders[`x-ms-ratelimit-remaining-subscription-${kind}`] = String(bucket.remaining);
    if (!isWrite)
      responseHeaders['x-ms-ratelimit-remaining-subscription-global-reads'] = String(bucket.remaining);
    if (!bucket.allowed) throw errors.throttled(bucket.retryAfterSeconds, kind);
    if (fault)
      throw new ArmError(
        fault.status,
        fault.code,
        fault.message ?? `Injected fault ${fault.code}.`,
        [],
        fault.retryAfterSeconds !== undefined ? { 'Retry-After': String(fault.retryAfterSeconds) } : {},
      );
    if (!('route' in matched))
      throw matched.pathMatched ? errors.methodNotAllowed(method) : errors.noRoute(method, url.pathname);
    const apiVersion = url.searchParams.get('api-version');
    if (!apiVersion) throw errors.missingApiVersion();
    const action = matched.route.action?.(matched.groups);
    if (action && !isActionAllowed(principal.actions, principal.notActions, action))
      throw errors.authorizationFailed(principal.objectId, action, scopeOf(url.pathname));
    if (url.pathname.toLowerCase() === '/providers/microsoft.resourcegraph/resources') {
      const quota = realism.takeToken(`azure:graph:${principal.name}`, GRAPH_QUOTA);
      responseHeaders['x-ms-user-quota-remaining'] = String(quota.remaining);
      responseHeaders['x-ms-user-quota-resets-after'] = '00:00:05';
      if (!quota.allowed) throw errors.resourceGraphQuota('00:00:05');
    }
    let body: unknown = undefined;
    if (rawBody) {
      try {
        body = JSON.parse(rawBody);
      } catch (e) {
        throw errors.invalidRequestContent(e instanceof Error ? e.message : String(e));
      }
    }
    const now = realism.now();
    if (lro.settle(now)) worldChanged(world);
    const ctx: RequestContext = {
      method,
      path: url.pathname,
      query: url.searchParams,
      headers,
      body,
      world,
      principal,
      baseUrl: `https://${headers.host ?? '127.0.0.1'}`,
      apiVersion,
      now,
      lro,
      realism,
    };
    // Handlers check before they change anything, but a refused write costs only a recomputation.
    if (isWrite) worldChanged(world);
    const reply: Reply = matched.route.handler(ctx, matched.groups);
    finish(reply.status, reply.body, reply.headers);
  } catch (e) {
    if (e instanceof ArmError) fail(e);
    else fail(new ArmError(500, 'InternalServerError', e instanceof Error ? e.message : String(e)));
  }
}

function sendSerialized(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string>,
): string {
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
  return text;
}

function authenticate(headers: Record<string, string>, world: AzureWorldState): AzurePrincipal {
  const auth = headers.authorization;
  if (!auth) throw withChallenge(errors.missingToken());
  const m = /^Bearer\s+(.+)$/i.exec(auth);
  const p = m ? world.principals.find((x) => x.token === m[1].trim()) : undefined;
  if (!p) throw withChallenge(errors.invalidToken());
  return p;
}

function withChallenge(e: ArmError): ArmError {
  return new ArmError(e.status, e.code, e.message, e.details, {
    'WWW-Authenticate':
      'Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token", error_description="The authentication failed because of missing \'Authorization\' header."',
  });
}

/** The scope named in AuthorizationFailed: the resource the path addresses, without ARM action suffixes. */
function scopeOf(path: string): string {
  return path.replace(/\/(instanceView|operations\/[^/]+|operationResults\/[^/]+)$/i, '');
}
