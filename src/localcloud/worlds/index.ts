// A local-cloud world is both clouds' state as plain JSON: what save/load and /__admin/state carry.
import type { AwsWorldState } from '../aws/state';
import { emptyAwsWorld } from '../aws/state';
import { emptyAzureWorld, type AzureWorldState } from '../azure/worldState';
import { awsDemoWorld } from './awsDemo';
import { generateAwsWorld, type AwsGenerateOptions } from './awsGenerator';
import { azureDemoWorld } from './azureDemo';
import { generateAzureWorld } from './azureGenerator';

export interface WorldState {
  azure: AzureWorldState;
  aws: AwsWorldState;
}

export interface GenerateOptions {
  /** Azure subscriptions; also the number of AWS accounts unless `aws` says otherwise. */
  subscriptions: number;
  /** VMs per subscription; also AWS instances per account (in one region) unless `aws` says otherwise. */
  vmsPerSubscription: number;
  aws?: AwsGenerateOptions;
}

export type WorldSpec = 'demo' | 'empty' | WorldState | { generate: GenerateOptions };

export function buildWorld(spec: WorldSpec = 'demo'): WorldState {
  if (spec === 'demo') return { azure: azureDemoWorld(), aws: awsDemoWorld() };
  if (spec === 'empty') return { azure: emptyAzureWorld(), aws: emptyAwsWorld() };
  if ('generate' in spec) {
    const g = spec.generate;
    return {
      azure: generateAzureWorld(g),
      aws: generateAwsWorld(
        g.aws ?? {
          accounts: g.subscriptions,
          regions: ['eu-west-1'],
          instancesPerRegion: g.vmsPerSubscription,
        },
      ),
    };
  }
  assertWorldShape(spec);
  return structuredClone(spec);
}

/** Rejects JSON that is not a world (e.g. a wrong file passed to --world). */
export function assertWorldShape(s: unknown): asserts s is WorldState {
  const w = s as Partial<WorldState> | null;
  const az = w?.azure as Partial<AzureWorldState> | undefined;
  if (
    !az ||
    !Array.isArray(az.principals) ||
    !Array.isArray(az.subscriptions) ||
    typeof az.resources !== 'object' ||
    typeof az.resourceGroups !== 'object'
  )
    throw new Error('a world needs azure.{principals[], subscriptions[], resourceGroups{}, resources{}}');
  if (!w?.aws) throw new Error('a world needs an aws part');
  az.powerStates ??= {};
}
