// CreateTags / DeleteTags on any taggable resource, and TagSpecification.N on create calls.
import { errors } from '../errors';
import type { QueryParams } from '../query';
import { findGroup, findInstance, findInterface, findSubnet, findVpc } from '../resources';
import type { AwsRegionState, Tags } from '../state';
import { mutate, type ActionTable } from './context';

const MAX_TAGS_PER_RESOURCE = 50;

function parseTags(params: QueryParams, prefix: string): { key: string; value?: string }[] {
  return params.structs(prefix).map((t) => {
    const key = t.get('Key');
    if (key === undefined) throw errors.missingParameter(`${prefix}.Key`);
    if (key.toLowerCase().startsWith('aws:')) {
      throw errors.invalidParameterValue(
        `Value ( ${key} ) for parameter key is invalid. Tag keys starting with 'aws:' are reserved for internal use`,
      );
    }
    return { key, value: t.get('Value') };
  });
}

/**
 * The tags of `TagSpecification.N` entries for `resourceType`. Other resource types are an error,
 * except in calls that create several kinds (RunInstances), which pass `othersAllowed`.
 */
export function tagsFromSpecifications(
  params: QueryParams,
  resourceType: string,
  othersAllowed = false,
): Tags {
  const tags: Tags = {};
  for (const spec of params.structs('TagSpecification')) {
    const type = spec.get('ResourceType');
    if (type !== resourceType && othersAllowed) continue;
    if (type !== resourceType) {
      throw errors.invalidParameterValue(
        `'${type ?? ''}' is not a valid taggable resource type for this operation.`,
      );
    }
    for (const t of parseTags(spec, 'Tag')) tags[t.key] = t.value ?? '';
  }
  checkTagLimit(tags);
  return tags;
}

function checkTagLimit(tags: Tags): void {
  if (Object.keys(tags).length > MAX_TAGS_PER_RESOURCE) throw errors.tagLimitExceeded();
}

function tagsOfResource(region: AwsRegionState, id: string): Tags {
  const prefix = id.slice(0, id.indexOf('-'));
  switch (prefix) {
    case 'sg':
      return findGroup(region, id).tags;
    case 'sgr': {
      const rule = region.securityGroupRules.find((r) => r.ruleId === id);
      if (!rule) throw errors.ruleNotFound(id);
      return rule.tags;
    }
    case 'i':
      return findInstance(region, id).tags;
    case 'eni':
      return findInterface(region, id).tags;
    case 'vpc':
      return findVpc(region, id).tags;
    case 'subnet':
      return findSubnet(region, id).tags;
    default:
      throw errors.resourceIdMalformed(id);
  }
}

function resources(params: QueryParams, region: AwsRegionState): Tags[] {
  const ids = params.list('ResourceId');
  if (!ids.length) throw errors.missingParameter('ResourceId');
  return ids.map((id) => tagsOfResource(region, id));
}

export const tagActions: ActionTable = {
  CreateTags: mutate(({ params, region }) => {
    const targets = resources(params, region);
    const tags = parseTags(params, 'Tag');
    if (!tags.length) throw errors.missingParameter('Tag');
    for (const target of targets) {
      checkTagLimit({ ...target, ...Object.fromEntries(tags.map((t) => [t.key, t.value ?? ''])) });
    }
    return () => {
      for (const target of targets) for (const t of tags) target[t.key] = t.value ?? '';
      return { return: true };
    };
  }),
  DeleteTags: mutate(({ params, region }) => {
    const targets = resources(params, region);
    const tags = parseTags(params, 'Tag');
    return () => {
      for (const target of targets) {
        for (const key of Object.keys(target)) {
          // Without Tag.N every tag goes; a tag given with a value goes only when the value matches.
          const match =
            !tags.length ||
            tags.some((t) => t.key === key && (t.value === undefined || t.value === target[key]));
          if (match) delete target[key];
        }
      }
      return { return: true };
    };
  }),
};
