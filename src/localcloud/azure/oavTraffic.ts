// Exports recorded Azure traffic in oav's traffic format
// ({ liveRequest: { method, url, headers, body }, liveResponse: { statusCode, headers, body } }),
// so that `oav validate-traffic` can check the local cloud against the official specs.
import type { TrafficEntry } from '../shared/trafficLog';

export interface OavTrafficFile {
  liveRequest: { method: string; url: string; headers: Record<string, string>; body: unknown };
  liveResponse: { statusCode: string; headers: Record<string, string>; body: unknown };
}

export function toOavTraffic(entry: TrafficEntry, endpoint: string): OavTrafficFile {
  const parse = (text: string | undefined): unknown => (text ? JSON.parse(text) : null);
  return {
    liveRequest: {
      method: entry.method,
      url: `${endpoint}${entry.path}${entry.query ? `?${entry.query}` : ''}`,
      headers: entry.requestHeaders ?? {},
      body: parse(entry.requestBody),
    },
    liveResponse: {
      statusCode: String(entry.status),
      headers: lowerKeys(entry.responseHeaders ?? {}),
      body: parse(entry.responseBody),
    },
  };
}

function lowerKeys(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}
