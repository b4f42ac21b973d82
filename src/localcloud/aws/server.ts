// The AWS half's HTTP server on 127.0.0.1: EC2 and STS Query requests for the real SDK clients, plus
// the shared admin endpoint. Realism (latency, faults) is applied here; throttling in dispatch.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { handleAdmin, isAdminPath, type AdminContext } from '../shared/admin';
import { closeServer, flatHeaders, listenLoopback, readBody } from '../shared/http';
import type { Realism } from '../shared/realism';
import type { TrafficLog } from '../shared/trafficLog';
import { classify, dispatch, errorReply, type AwsReply, type CallInfo } from './dispatch';
import { Ec2Error } from './errors';
import { newRequestId } from './ids';
import type { SignedRequest } from './sigv4';
import type { AwsWorld, AwsWorldState } from './state';

export interface AwsServerOptions {
  world: AwsWorld;
  realism: Realism;
  traffic: TrafficLog;
  /** The admin endpoint's view of the whole world; without it /__admin serves the AWS world alone. */
  admin?: AdminContext;
  /** 0 (default) picks a free port. */
  port?: number;
}

export interface AwsServer {
  /** http://127.0.0.1:PORT — the endpoint for @aws-sdk clients and `aws --endpoint-url`. */
  endpoint: string;
  close(): Promise<void>;
}

export async function createAwsServer(opts: AwsServerOptions): Promise<AwsServer> {
  let endpoint = '';
  const admin: AdminContext = opts.admin ?? {
    realism: opts.realism,
    traffic: opts.traffic,
    getState: () => opts.world.snapshot(),
    setState: (s) => opts.world.load(s as AwsWorldState),
    getInfo: () => ({ aws: { endpoint, regions: [...opts.world.regionNames] } }),
  };
  const server = createServer((req, res) => {
    const answer = isAdminPath(new URL(req.url ?? '/', 'http://127.0.0.1').pathname)
      ? handleAdmin(req, res, admin)
      : serveQuery(req, res, opts);
    answer.catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(e instanceof Error ? e.message : String(e));
    });
  });
  const port = await listenLoopback(server, opts.port ?? 0);
  endpoint = `http://127.0.0.1:${port}`;
  return { endpoint, close: () => closeServer(server) };
}

async function serveQuery(req: IncomingMessage, res: ServerResponse, opts: AwsServerOptions): Promise<void> {
  const signed: SignedRequest = {
    method: req.method ?? 'POST',
    url: req.url ?? '/',
    headers: flatHeaders(req.headers),
    body: await readBody(req),
  };
  const call = classify(signed);
  await opts.realism.delay();
  const fault = opts.realism.faultFor({
    cloud: 'aws',
    method: signed.method,
    path: new URL(signed.url, 'http://127.0.0.1').pathname,
    action: call.action,
    isWrite: call.isWrite,
  });
  if (fault === 'hang') return; // never answered; closeServer() ends the connection
  if (fault === 'drop') {
    req.socket.destroy();
    return;
  }
  const reply: AwsReply = fault
    ? {
        ...errorReply(
          call.service,
          new Ec2Error(fault.status, fault.code, fault.message ?? fault.code),
          newRequestId(),
        ),
        action: call.action,
        isWrite: call.isWrite,
      }
    : await dispatch(signed, call, opts);
  const headers = {
    'Content-Type': 'text/xml;charset=UTF-8',
    'Content-Length': String(Buffer.byteLength(reply.body)),
    'x-amzn-RequestId': reply.requestId,
    ...(fault && fault.retryAfterSeconds !== undefined
      ? { 'Retry-After': String(fault.retryAfterSeconds) }
      : {}),
  };
  res.writeHead(reply.status, headers);
  res.end(reply.body);
  record(opts.traffic, signed, call, reply, headers);
}

function record(
  traffic: TrafficLog,
  req: SignedRequest,
  call: CallInfo,
  reply: AwsReply,
  responseHeaders: Record<string, string>,
): void {
  const url = new URL(req.url, 'http://127.0.0.1');
  traffic.record({
    at: new Date().toISOString(),
    cloud: 'aws',
    method: req.method,
    path: url.pathname,
    query: url.search ? url.search.slice(1) : undefined,
    action: call.action || undefined,
    principal: reply.principal?.name,
    status: reply.status,
    isWrite: call.isWrite,
    errorCode: reply.errorCode,
    requestHeaders: req.headers,
    responseHeaders,
    requestBody: req.body,
    responseBody: reply.body,
  });
}
