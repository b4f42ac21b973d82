// AWS Signature Version 4 on incoming requests: the Authorization header names the access key id and
// the credential scope (date/region/service); the signature is verified by re-signing the request
// with the SDK's own signer (@smithy/signature-v4) and the principal's secret.
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Checksum, SourceData } from '@smithy/types';

export interface SigV4Credential {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

const AUTH_RE =
  /^AWS4-HMAC-SHA256\s+Credential=([^/\s]+)\/(\d{8})\/([^/\s]+)\/([^/\s]+)\/aws4_request,\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]+)$/;

export function parseAuthorization(header: string | undefined): SigV4Credential | undefined {
  const m = header ? AUTH_RE.exec(header.trim()) : null;
  if (!m) return undefined;
  const [, accessKeyId, date, region, service, signedHeaders, signature] = m;
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(';'), signature };
}

export interface SignedRequest {
  method: string;
  /** Path and query as received, e.g. '/' or '/?Action=...'. */
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** True when the request's signature is what the secret produces for the signed headers and body. */
export async function verifySignature(
  req: SignedRequest,
  cred: SigV4Credential,
  secretAccessKey: string,
): Promise<boolean> {
  const amzDate = req.headers['x-amz-date'];
  if (!amzDate) return false;
  const url = new URL(req.url, 'http://127.0.0.1');
  const headers: Record<string, string> = {};
  for (const name of cred.signedHeaders) {
    if (req.headers[name] === undefined) return false;
    headers[name] = req.headers[name];
  }
  const signer = new SignatureV4({
    service: cred.service,
    region: cred.region,
    credentials: { accessKeyId: cred.accessKeyId, secretAccessKey },
    sha256: NodeSha256,
    // Sign exactly the headers the client signed: x-amz-content-sha256 is among them when the client sent it.
    applyChecksum: false,
  });
  const signed = await signer.sign(
    {
      method: req.method,
      protocol: 'http:',
      hostname: url.hostname,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body: req.body,
    },
    { signingDate: parseAmzDate(amzDate) },
  );
  return parseAuthorization(signed.headers['authorization'])?.signature === cred.signature;
}

function parseAmzDate(v: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(v);
  return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : new Date(NaN);
}

/** SHA-256 and HMAC-SHA-256 in the shape the signer expects. */
class NodeSha256 implements Checksum {
  private hash: Hash | Hmac;

  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }

  update(data: Uint8Array | string): void {
    this.hash.update(typeof data === 'string' ? data : Buffer.from(data));
  }

  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }

  reset(): void {
    this.hash = this.fresh();
  }

  private fresh(): Hash | Hmac {
    if (this.secret === undefined) return createHash('sha256');
    const key =
      typeof this.secret === 'string'
        ? this.secret
        : ArrayBuffer.isView(this.secret)
          ? Buffer.from(this.secret.buffer, this.secret.byteOffset, this.secret.byteLength)
          : Buffer.from(this.secret);
    return createHmac('sha256', key);
  }
}
