// The local cloud: an ARM HTTPS server and an EC2 HTTP server on 127.0.0.1 sharing one world,
// realism knobs and traffic log. Started in-process (extension sandbox, tests, benchmarks) or by
// main.ts from the command line.
import type { LocalCloudInfo } from '../cloud/localCloudInfo';
import { createAwsServer } from './aws/server';
import { AwsWorld } from './aws/state';
import { createAzureServer } from './azure/server';
import type { AzureWorldState } from './azure/worldState';
import type { AdminContext } from './shared/admin';
import { Realism, type RealismOptions } from './shared/realism';
import { generateLocalTls } from './shared/tls';
import { TrafficLog } from './shared/trafficLog';
import { assertWorldShape, buildWorld, type GenerateOptions, type WorldState } from './worlds/index';

export type { LocalCloudInfo };

export type { WorldState, GenerateOptions } from './worlds/index';
export type { RealismOptions, FaultRule } from './shared/realism';
export { Realism } from './shared/realism';
export type { TrafficEntry } from './shared/trafficLog';
export { TrafficLog } from './shared/trafficLog';

export interface StartOptions {
  world?: 'demo' | 'empty' | WorldState | { generate: GenerateOptions };
  /** Initial knobs, changeable at runtime through `realism` or /__admin/realism. */
  realism?: RealismOptions;
  /** 0 (default) picks a free port. */
  azurePort?: number;
  awsPort?: number;
}

export interface LocalCloud {
  /** Exactly what the command line prints as its JSON line. */
  info: LocalCloudInfo;
  realism: Realism;
  traffic: TrafficLog;
  /** Deep copy of the whole world, JSON-serialisable. */
  state(): WorldState;
  /** Replaces the whole world (what PUT /__admin/state does). */
  load(state: WorldState): void;
  stop(): Promise<void>;
}

export async function startLocalCloud(opts: StartOptions = {}): Promise<LocalCloud> {
  const initial = buildWorld(opts.world ?? 'demo');
  let azure: AzureWorldState = initial.azure;
  const aws = new AwsWorld(initial.aws);
  const realism = new Realism(opts.realism);
  const traffic = new TrafficLog();
  const tls = await generateLocalTls();
  const state = (): WorldState => ({ azure: structuredClone(azure), aws: aws.snapshot() });
  const load = (s: unknown): void => {
    assertWorldShape(s);
    aws.load(s.aws);
    azure = structuredClone(s.azure);
    azureServer.resetOperations();
  };
  const admin: AdminContext = { realism, traffic, getState: state, setState: load, getInfo: () => info };
  const azureServer = await createAzureServer({
    world: () => azure,
    realism,
    traffic,
    tls,
    admin,
    port: opts.azurePort,
  });
  const awsServer = await createAwsServer({ world: aws, realism, traffic, admin, port: opts.awsPort }).catch(
    async (e: unknown) => {
      await azureServer.close();
      throw e;
    },
  );
  const info: LocalCloudInfo = {
    event: 'ready',
    azure: {
      endpoint: azureServer.endpoint,
      caPem: tls.caPem,
      tenantId: azure.tenantId,
      principals: azure.principals.map(({ name, role, token, objectId }) => ({
        name,
        role,
        token,
        objectId,
      })),
    },
    aws: {
      endpoint: awsServer.endpoint,
      principals: aws.principals.map(({ name, accessKeyId, secretAccessKey, accountId, profile }) => ({
        name,
        accessKeyId,
        secretAccessKey,
        accountId,
        profile,
      })),
      regions: [...aws.regionNames],
    },
    admin: [`${azureServer.endpoint}/__admin`, `${awsServer.endpoint}/__admin`],
  };
  return {
    info,
    realism,
    traffic,
    state,
    load,
    stop: async () => {
      await Promise.all([azureServer.close(), awsServer.close()]);
    },
  };
}
