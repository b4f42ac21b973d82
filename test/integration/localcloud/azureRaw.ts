// A raw HTTPS call to the local ARM endpoint, for the few cases an SDK client cannot produce
// (e.g. a request without any Authorization header).
import { request } from 'node:https';
import type { LocalCloud } from '../../../src/localcloud/index';

export function rawArmRequest(
  cloud: LocalCloud,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const url = new URL(path, cloud.info.azure.endpoint);
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, ca: cloud.info.azure.caPem }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}
