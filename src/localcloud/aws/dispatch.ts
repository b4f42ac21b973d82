// One EC2/STS Query request in, one response out, independent of HTTP: authentication (SigV4 access
// key -> principal), throttling, authorisation, DryRun, and the action itself.
import { actionMatches, type AwsPrincipal } from '../shared/principals';
import type { Realism } from '../shared/realism';
import type { BucketSpec } from '../shared/tokenBuckets';
import { ACTIONS, type ActionClass, type ActionSpec } from './actions';
import { Ec2Error, errors } from './errors';
import { newRequestId } from './ids';
import { QueryParams } from './query';
import { parseAuthorization, verifySignature, type SignedRequest } from './sigv4';
import type { AwsWorld } from './state';
import { ec2Error, ec2Response, stsError, stsResponse } from './xml';

/** EC2's documented request token buckets per account and region (capacity, refill per second). */
const BUCKETS: Record<ActionClass, BucketSpec> = {
  describe: { capacity: 100, refillPerSecond: 20 },
  mutate: { capacity: 200, refillPerSecond: 5 },
  'resource-intensive': { capacity: 50, refillPerSecond: 5 },
};

export interface AwsReply {
  status: number;
  body: string;
  requestId: string;
  action?: string;
  principal?: AwsPrincipal;
  isWrite: boolean;
  errorCode?: string;
}

export interface DispatchEnv {
  world: AwsWorld;
  realism: Realism;
}

/** What a request is, read before answering it (fault rules and the traffic log need it). */
export interface CallInfo {
  params: QueryParams;
  action: string;
  spec?: ActionSpec;
  service: 'ec2' | 'sts';
  isWrite: boolean;
}

export function classify(req: SignedRequest): CallInfo {
  const params = QueryParams.fromBody(
    req.method === 'GET' ? new URL(req.url, 'http://127.0.0.1').search.slice(1) : req.body,
  );
  const action = params.get('Action') ?? '';
  const spec: ActionSpec | undefined = Object.hasOwn(ACTIONS, action) ? ACTIONS[action] : undefined;
  const credentialService = parseAuthorization(req.headers['authorization'])?.service;
  const service = spec?.service ?? (credentialService === 'sts' ? 'sts' : 'ec2');
  return { params, action, spec, service, isWrite: spec !== undefined && spec.class !== 'describe' };
}

export async function dispatch(req: SignedRequest, call: CallInfo, env: DispatchEnv): Promise<AwsReply> {
  const requestId = newRequestId();
  const { params, action, spec, service, isWrite } = call;
  const credential = parseAuthorization(req.headers['authorization']);
  let principal: AwsPrincipal | undefined;
  try {
    principal = env.world.principals.find((p) => p.accessKeyId === credential?.accessKeyId);
    if (!credential || !principal) throw service === 'sts' ? stsInvalidToken() : errors.authFailure();
    if (!(await verifySignature(req, credential, principal.secretAccessKey)))
      throw errors.signatureMismatch();
    if (!spec) throw errors.invalidAction(action);
    const region = credential.region;
    const bucket = env.realism.takeToken(
      `aws/${principal.accountId}/${region}/${spec.class}`,
      BUCKETS[spec.class],
    );
    if (!bucket.allowed) throw errors.throttled();
    if (spec.service === 'ec2' && !principal.allowedActions.some((p) => actionMatches(p, `ec2:${action}`))) {
      throw errors.unauthorized();
    }
    // DryRun checks the permission only (as EC2 documents it), before the request is looked at.
    if (params.bool('DryRun')) throw errors.dryRun();
    const apply = spec.prepare({
      params,
      principal,
      region: env.world.region(principal.accountId, region),
      regionName: region,
      accountId: principal.accountId,
      regionNames: env.world.regionNames,
      now: new Date(env.realism.now()).toISOString(),
    });
    const result = apply();
    const body =
      service === 'sts' ? stsResponse(action, requestId, result) : ec2Response(action, requestId, result);
    return { status: 200, body, requestId, action, principal, isWrite };
  } catch (e) {
    if (!(e instanceof Ec2Error)) throw e;
    return { ...errorReply(service, e, requestId), action: action || undefined, principal, isWrite };
  }
}

/** The error body in the shape of the service the request was for. */
export function errorReply(
  service: 'ec2' | 'sts',
  e: Ec2Error,
  requestId: string,
): Omit<AwsReply, 'isWrite'> {
  const body =
    service === 'sts'
      ? stsError(e.status, e.code, e.message, requestId)
      : ec2Error(e.code, e.message, requestId);
  return { status: e.status, body, requestId, errorCode: e.code };
}

function stsInvalidToken(): Ec2Error {
  return new Ec2Error(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
}
