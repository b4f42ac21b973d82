// AuthorizeSecurityGroupIngress, RevokeSecurityGroupIngress, DescribeSecurityGroupRules.
import { errors } from '../errors';
import { applyFilters, parseFilters, type FilterTable } from '../filters';
import { newId } from '../ids';
import { paginate } from '../pagination';
import { findGroup, findGroupByIdOrName, rulesOf } from '../resources';
import type { SecurityGroupRuleState } from '../state';
import { securityGroupRuleView } from '../views';
import { items } from '../xml';
import { describe, mutate, type ActionTable } from './context';
import { describePeer, exceedsRuleQuota, parsePermissions, sameRule } from './permissions';
import { tagsFromSpecifications } from './tags';

const RULE_FILTERS: FilterTable<SecurityGroupRuleState> = {
  'group-id': (r) => r.groupId,
  'security-group-rule-id': (r) => r.ruleId,
};

export const securityGroupRuleActions: ActionTable = {
  DescribeSecurityGroupRules: describe((ctx) => {
    const { params, region } = ctx;
    const ids = params.list('SecurityGroupRuleId');
    let rules = region.securityGroupRules;
    if (ids.length) {
      rules = ids.map((id) => {
        const rule = region.securityGroupRules.find((r) => r.ruleId === id);
        if (!rule) throw errors.ruleNotFound(id);
        return rule;
      });
    }
    rules = applyFilters(rules, parseFilters(params), RULE_FILTERS, (r) => r.tags);
    const page = paginate(rules, params, { min: 5, max: 1000 });
    return {
      securityGroupRuleSet: items(page.items.map((r) => securityGroupRuleView(ctx, r))),
      nextToken: page.nextToken,
    };
  }),

  AuthorizeSecurityGroupIngress: mutate((ctx) => {
    const { params, region } = ctx;
    const group = findGroupByIdOrName(region, params.get('GroupId'), params.get('GroupName'));
    const candidates = parsePermissions(params, false);
    if (!candidates.length) throw errors.missingParameter('IpPermissions');
    candidates.forEach((c, i) => {
      if (candidates.slice(0, i).some((earlier) => sameRule(earlier, c))) throw errors.permissionRepeated();
    });
    for (const c of candidates) if (c.referencedGroupId) findGroup(region, c.referencedGroupId);
    const existing = rulesOf(region, group.groupId);
    const duplicate = candidates.find((c) => existing.some((r) => sameRule(r, c)));
    if (duplicate) throw errors.permissionDuplicate(describePeer(duplicate));
    if (exceedsRuleQuota([...existing.filter((r) => !r.isEgress), ...candidates]))
      throw errors.rulesPerGroupLimit();
    const tags = tagsFromSpecifications(params, 'security-group-rule');
    return () => {
      const added: SecurityGroupRuleState[] = candidates.map((c) => ({
        ...c,
        ruleId: newId('sgr'),
        groupId: group.groupId,
        tags: { ...tags },
      }));
      region.securityGroupRules.push(...added);
      return { return: true, securityGroupRuleSet: items(added.map((r) => securityGroupRuleView(ctx, r))) };
    };
  }),

  RevokeSecurityGroupIngress: mutate((ctx) => {
    const { params, region } = ctx;
    const group = findGroupByIdOrName(region, params.get('GroupId'), params.get('GroupName'));
    const ruleIds = params.list('SecurityGroupRuleId');
    const candidates = parsePermissions(params, false);
    if (ruleIds.length && candidates.length) {
      throw errors.invalidParameterCombination(
        'You may specify either security group rule IDs or IP permissions, but not both.',
      );
    }
    const ingress = rulesOf(region, group.groupId).filter((r) => !r.isEgress);
    let revoked: SecurityGroupRuleState[];
    let unknown: typeof candidates = [];
    if (ruleIds.length) {
      revoked = ruleIds.map((id) => {
        const rule = ingress.find((r) => r.ruleId === id);
        if (!rule) throw errors.ruleNotFound(id);
        return rule;
      });
    } else {
      if (!candidates.length) throw errors.missingParameter('IpPermissions');
      revoked = ingress.filter((r) => candidates.some((c) => sameRule(r, c)));
      unknown = candidates.filter((c) => !ingress.some((r) => sameRule(r, c)));
      // Nothing matched: EC2 refuses; some matched: it revokes those and lists the rest as unknown.
      if (!revoked.length) throw errors.permissionNotFound();
    }
    return () => {
      region.securityGroupRules = region.securityGroupRules.filter((r) => !revoked.includes(r));
      return {
        return: true,
        unknownIpPermissionSet: items(
          unknown.map((c) => ({
            ipProtocol: c.ipProtocol,
            fromPort: c.fromPort,
            toPort: c.toPort,
            ipRanges: items(c.cidrIpv4 ? [{ cidrIp: c.cidrIpv4 }] : []),
            ipv6Ranges: items(c.cidrIpv6 ? [{ cidrIpv6: c.cidrIpv6 }] : []),
            groups: items(c.referencedGroupId ? [{ groupId: c.referencedGroupId }] : []),
          })),
        ),
        revokedSecurityGroupRuleSet: items(
          revoked.map((r) => ({
            securityGroupRuleId: r.ruleId,
            groupId: r.groupId,
            isEgress: r.isEgress,
            ipProtocol: r.ipProtocol,
            fromPort: r.fromPort,
            toPort: r.toPort,
            cidrIpv4: r.cidrIpv4,
            cidrIpv6: r.cidrIpv6,
            prefixListId: r.prefixListId,
            referencedGroupId: r.referencedGroupId,
            description: r.description,
          })),
        ),
      };
    };
  }),
};
