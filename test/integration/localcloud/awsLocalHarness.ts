// Starting the AWS half of the local cloud for a test, and SDK clients for one of its principals —
// constructed exactly as a user or the provider would against the emulator.
import { EC2Client } from '@aws-sdk/client-ec2';
import { STSClient } from '@aws-sdk/client-sts';
import { createAwsServer, type AwsServer } from '../../../src/localcloud/aws/server';
import { AwsWorld, type AwsWorldState } from '../../../src/localcloud/aws/state';
import type { AwsPrincipal } from '../../../src/localcloud/shared/principals';
import { Realism, type RealismOptions } from '../../../src/localcloud/shared/realism';
import { TrafficLog } from '../../../src/localcloud/shared/trafficLog';

export interface LocalAws {
  server: AwsServer;
  world: AwsWorld;
  realism: Realism;
  traffic: TrafficLog;
  principal(name: string): AwsPrincipal;
  ec2(name: string, region?: string, maxAttempts?: number): EC2Client;
  sts(name: string, region?: string): STSClient;
  stop(): Promise<void>;
}

export async function startLocalAws(state: AwsWorldState, realism: RealismOptions = {}): Promise<LocalAws> {
  const world = new AwsWorld(state);
  const r = new Realism(realism);
  const traffic = new TrafficLog();
  const server = await createAwsServer({ world, realism: r, traffic });
  const clients: { destroy(): void }[] = [];
  const principal = (name: string) => {
    const p = world.principals.find((x) => x.name === name);
    if (!p) throw new Error(`no principal ${name}`);
    return p;
  };
  const config = (name: string, region: string, maxAttempts: number) => {
    const { accessKeyId, secretAccessKey } = principal(name);
    return { endpoint: server.endpoint, region, credentials: { accessKeyId, secretAccessKey }, maxAttempts };
  };
  const track = <T extends { destroy(): void }>(c: T) => (clients.push(c), c);
  return {
    server,
    world,
    realism: r,
    traffic,
    principal,
    ec2: (name, region = 'eu-west-1', maxAttempts = 1) =>
      track(new EC2Client(config(name, region, maxAttempts))),
    sts: (name, region = 'eu-west-1') => track(new STSClient(config(name, region, 1))),
    stop: async () => {
      clients.forEach((c) => c.destroy());
      await server.close();
    },
  };
}
