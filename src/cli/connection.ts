// Which clouds the CLI talks to and as whom: the local cloud (`--local`), or Azure through
// @azure/identity's default credential chain and AWS through named profiles.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { CloudProvider } from '../cloud/provider';
import { JsonLinesAuditFile, type AuditSink } from '../grants/audit';
import { connectLocalCloud, parseLocalCloudInfo, type LocalCloudEndpoints } from '../grants/localConnection';
import { EchoServiceIpSource, type MyIpSource } from '../grants/myIp';
import { UsageError } from './exitCodes';

export interface ConnectionOptions {
  /** `true` (flag without value): the default info file; else a file, the JSON itself, or an admin URL. */
  local?: string | boolean;
  principal?: string;
  cloud?: 'azure' | 'aws';
  subscription?: string[];
  awsProfile?: string[];
  awsRegion?: string[];
  echoUrl?: string[];
  /** A file, or `none`. */
  auditFile?: string;
}

export interface Connection {
  providers: CloudProvider[];
  myIp: MyIpSource;
  audit?: AuditSink;
  close(): void;
}

/** Where the CLI keeps its audit trail and the running local cloud's description. */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'jit-vm-access');
}

export function defaultLocalInfoFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(stateDir(env), 'local-cloud.json');
}

async function loadLocalInfo(target: string | true): Promise<LocalCloudEndpoints> {
  const where = target === true ? (process.env.JIT_LOCAL_CLOUD ?? defaultLocalInfoFile()) : target;
  if (where.trim().startsWith('{')) return parseLocalCloudInfo(where);
  if (/^https?:\/\//.test(where)) {
    const url = `${where.replace(/\/+$/, '').replace(/\/__admin$/, '')}/__admin/info`;
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    } catch (e) {
      throw new UsageError(`Cannot reach the local cloud at ${url}: ${(e as Error).message}.`);
    }
    if (!res.ok) throw new UsageError(`The local cloud at ${url} answered HTTP ${res.status}.`);
    return parseLocalCloudInfo(await res.text());
  }
  let text: string;
  try {
    text = await readFile(where, 'utf8');
  } catch {
    throw new UsageError(
      `No local cloud description at ${where}: start one with \`jit local-cloud\`, or pass --local <file|json|url>.`,
    );
  }
  return parseLocalCloudInfo(text.trim().split('\n').pop() ?? '');
}

function auditSink(options: ConnectionOptions): AuditSink | undefined {
  if (options.auditFile === 'none') return undefined;
  return new JsonLinesAuditFile(options.auditFile ?? join(stateDir(), 'audit.jsonl'));
}

function echoSource(options: ConnectionOptions): MyIpSource {
  return new EchoServiceIpSource(options.echoUrl?.length ? { urls: options.echoUrl } : {});
}

async function realClouds(options: ConnectionOptions): Promise<CloudProvider[]> {
  const providers: CloudProvider[] = [];
  if (options.cloud !== 'aws') {
    const [{ DefaultAzureCredential }, { AzureProvider }] = await Promise.all([
      import('@azure/identity'),
      import('../cloud/azure/azureProvider'),
    ]);
    providers.push(
      new AzureProvider({
        credential: new DefaultAzureCredential(),
        ...(options.subscription?.length ? { subscriptions: options.subscription } : {}),
      }),
    );
  }
  const regions = options.awsRegion?.length
    ? options.awsRegion
    : [process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION].filter((r): r is string => !!r);
  if (options.cloud === 'aws' && regions.length === 0) {
    throw new UsageError('No AWS region: pass --aws-region REGION (repeatable) or set AWS_REGION.');
  }
  if (options.cloud !== 'azure' && regions.length > 0) {
    const { AwsProvider } = await import('../cloud/aws/provider');
    providers.push(
      new AwsProvider({ regions, ...(options.awsProfile?.length ? { profiles: options.awsProfile } : {}) }),
    );
  }
  return providers;
}

export async function connect(options: ConnectionOptions): Promise<Connection> {
  const audit = auditSink(options);
  if (options.local !== undefined && options.local !== false) {
    const info = await loadLocalInfo(options.local);
    const local = connectLocalCloud(info, {
      ...(options.principal ? { principal: options.principal } : {}),
      ...(options.cloud ? { clouds: [options.cloud] } : {}),
    });
    return {
      providers: local.providers,
      myIp: options.echoUrl?.length ? echoSource(options) : local.myIp,
      ...(audit ? { audit } : {}),
      close: () => local.dispose(),
    };
  }
  return {
    providers: await realClouds(options),
    myIp: echoSource(options),
    ...(audit ? { audit } : {}),
    close: () => undefined,
  };
}
