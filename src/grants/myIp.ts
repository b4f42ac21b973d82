// "My IP": the address the internet sees this machine as, asked of several echo services at once.
// Behind a proxy, NAT or VPN a single answer can be wrong (the reference system's most common
// complaint), so answers must agree; any disagreement is an error that says who said what, and the
// user types a range instead. The result is shown for confirmation before a request uses it.
import { parseAddress, isPublic, type IpFamily } from '../engine/cidr';

export const DEFAULT_ECHO_SERVICES: readonly string[] = [
  'https://api.ipify.org',
  'https://checkip.amazonaws.com',
  'https://ifconfig.me/ip',
];

export interface EchoAnswer {
  url: string;
  address?: string;
  error?: string;
}

export interface DetectedIp {
  /** Canonical address text. */
  address: string;
  /** The address as a single-host CIDR (/32 or /128): what a grant opens. */
  cidr: string;
  family: IpFamily;
  /** Where the answer came from (echo services, or the local cloud sandbox). */
  via: string[];
  /** The other family's agreed address when services answered in both (e.g. dual-stack). */
  otherFamily?: string;
  warnings: string[];
}

export interface MyIpSource {
  detect(signal?: AbortSignal): Promise<DetectedIp>;
}

export class MyIpError extends Error {
  constructor(
    message: string,
    readonly answers: EchoAnswer[],
  ) {
    super(message);
    this.name = 'MyIpError';
  }
}

export interface EchoServiceOptions {
  urls?: readonly string[];
  /** Per service. */
  timeoutMs?: number;
  /** How many services must give the same address; default 2 (or 1 when only one is configured). */
  minAgreeing?: number;
  /** Restrict to one address family. */
  family?: IpFamily;
}

const MAX_ANSWER_CHARS = 100;

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function hostPrefix(address: string, family: IpFamily): string {
  return `${address}/${family === 4 ? 32 : 128}`;
}

/** Asks every configured echo service in parallel and accepts an address only when enough agree. */
export class EchoServiceIpSource implements MyIpSource {
  private readonly urls: readonly string[];
  private readonly timeoutMs: number;
  private readonly minAgreeing: number;

  constructor(private readonly options: EchoServiceOptions = {}) {
    this.urls = options.urls?.length ? options.urls : DEFAULT_ECHO_SERVICES;
    this.timeoutMs = options.timeoutMs ?? 4000;
    this.minAgreeing = options.minAgreeing ?? Math.min(2, this.urls.length);
  }

  async detect(signal?: AbortSignal): Promise<DetectedIp> {
    const answers = await Promise.all(this.urls.map((url) => this.ask(url, signal)));
    const byFamily = new Map<IpFamily, Map<string, string[]>>();
    for (const a of answers) {
      if (!a.address) continue;
      const parsed = parseAddress(a.address)!;
      if (this.options.family && parsed.family !== this.options.family) continue;
      const family = byFamily.get(parsed.family) ?? new Map<string, string[]>();
      family.set(parsed.text, [...(family.get(parsed.text) ?? []), a.url]);
      byFamily.set(parsed.family, family);
    }
    for (const [family, addresses] of byFamily) {
      if (addresses.size > 1) {
        const said = [...addresses].map(([addr, urls]) => `${urls.map(hostOf).join(', ')} said ${addr}`);
        throw new MyIpError(
          `The echo services disagree about your IPv${family} address (${said.join('; ')}). ` +
            `A proxy, VPN or load-balanced NAT is probably in the way: give the source range yourself (e.g. --from 203.0.113.0/24).`,
          answers,
        );
      }
    }
    const agreed = [...byFamily].map(([family, addresses]) => {
      const [address, urls] = [...addresses][0];
      return { family, address, urls };
    });
    // Most VMs and networks are reached over IPv4, so it wins when both families were answered.
    agreed.sort((a, b) => a.family - b.family);
    const best = agreed.find((a) => a.urls.length >= this.minAgreeing);
    if (!best) {
      const detail = answers.map((a) => `${hostOf(a.url)}: ${a.address ?? a.error}`).join('; ');
      throw new MyIpError(
        `Could not determine your IP address: ${this.minAgreeing} echo services must agree, but got ${detail}. ` +
          `Give the source range yourself (e.g. --from 203.0.113.7/32).`,
        answers,
      );
    }
    const other = agreed.find((a) => a !== best && a.urls.length >= this.minAgreeing);
    const warnings = isPublic(best.address)
      ? []
      : [`${best.address} is not a public internet address; the echo services may be seeing a proxy.`];
    return {
      address: best.address,
      cidr: hostPrefix(best.address, best.family),
      family: best.family,
      via: best.urls,
      ...(other ? { otherFamily: other.address } : {}),
      warnings,
    };
  }

  private async ask(url: string, signal?: AbortSignal): Promise<EchoAnswer> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    try {
      const res = await fetch(url, {
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        redirect: 'error',
        headers: { accept: 'text/plain' },
      });
      if (!res.ok) return { url, error: `HTTP ${res.status}` };
      const text = (await res.text()).trim().slice(0, MAX_ANSWER_CHARS);
      const parsed = parseAddress(text);
      return parsed ? { url, address: parsed.text } : { url, error: `not an IP address: "${text}"` };
    } catch (e) {
      if (signal?.aborted) throw e;
      const err = e as Error & { cause?: { code?: string; message?: string } };
      const why = err.cause?.code ?? err.cause?.message ?? err.message;
      return { url, error: timeout.aborted ? `no answer in ${this.timeoutMs} ms` : why };
    }
  }
}

/** A fixed answer: the local cloud sandbox, where no echo service can see the (pretend) client. */
export class FixedIpSource implements MyIpSource {
  constructor(
    private readonly address: string,
    private readonly via: string,
  ) {
    if (!parseAddress(address)) throw new Error(`FixedIpSource: "${address}" is not an IP address`);
  }

  async detect(): Promise<DetectedIp> {
    const parsed = parseAddress(this.address)!;
    return {
      address: parsed.text,
      cidr: hostPrefix(parsed.text, parsed.family),
      family: parsed.family,
      via: [this.via],
      warnings: [],
    };
  }
}
