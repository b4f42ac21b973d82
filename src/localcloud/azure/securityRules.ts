// Security rules as Network RP stores and validates them: normalisation of singular/plural fields,
// the read-only default rules, and every validation error with the service's code and message.
import ipaddr from 'ipaddr.js';
import { ArmError } from './errors';
import type { ArmResource } from './worldState';

export const MAX_RULES_PER_NSG = 1000;
export const MAX_DESCRIPTION_CHARS = 140;
const RESOURCE_NAME = /^\w(?:[\w.-]{0,78}\w|[\w.-]{0,78}_)?$/;
const PROTOCOLS = ['Tcp', 'Udp', 'Icmp', 'Esp', 'Ah', '*'];
const SERVICE_TAG =
  /^(\*|Internet|VirtualNetwork|AzureLoadBalancer|AzureCloud|Storage|Sql|AzureMonitor|AzureActiveDirectory|GatewayManager|AzureTrafficManager|AppService|AzureFrontDoor\.Backend|AzureKeyVault|EventHub|ServiceBus|AzureContainerRegistry|ApiManagement)(\.[A-Za-z0-9]+)?$/i;
const PORT_FIELDS = ['sourcePortRange', 'destinationPortRange'] as const;
const PREFIX_FIELDS = ['sourceAddressPrefix', 'destinationAddressPrefix'] as const;

export function isValidResourceName(name: string): boolean {
  return RESOURCE_NAME.test(name);
}

type Props = Record<string, unknown>;

/** Validates a rule's properties against the NSG it goes into; throws the service's error. */
export function validateSecurityRule(
  ruleId: string,
  ruleName: string,
  p: Props,
  siblings: ArmResource[],
): void {
  if (!isValidResourceName(ruleName)) throw badRequest('InvalidResourceName', invalidNameMessage(ruleName));
  for (const field of ['protocol', 'access', 'direction', 'priority'] as const) {
    if (p[field] === undefined || p[field] === null)
      throw badRequest(
        'SecurityRuleParametersMissing',
        `Required security rule parameters are missing for security rule with Id: ${ruleId}. Security rule must specify ${field[0].toUpperCase()}${field.slice(1)}.`,
      );
  }
  if (!PROTOCOLS.some((x) => x.toLowerCase() === String(p.protocol).toLowerCase()))
    throw badRequest(
      'InvalidRequestFormat',
      `Cannot parse the request. Value '${String(p.protocol)}' is not a valid SecurityRuleProtocol.`,
    );
  if (!['allow', 'deny'].includes(String(p.access).toLowerCase()))
    throw badRequest(
      'InvalidRequestFormat',
      `Cannot parse the request. Value '${String(p.access)}' is not a valid SecurityRuleAccess.`,
    );
  if (!['inbound', 'outbound'].includes(String(p.direction).toLowerCase()))
    throw badRequest(
      'InvalidRequestFormat',
      `Cannot parse the request. Value '${String(p.direction)}' is not a valid SecurityRuleDirection.`,
    );
  const priority = p.priority;
  if (typeof priority !== 'number' || !Number.isInteger(priority) || priority < 100 || priority > 4096)
    throw badRequest(
      'SecurityRuleInvalidPriority',
      `Security rule has invalid Priority. Value provided: ${String(priority)} Allowed range 100-4096.`,
    );
  if (typeof p.description === 'string' && p.description.length > MAX_DESCRIPTION_CHARS)
    throw badRequest(
      'SecurityRuleDescriptionTooLong',
      `Security rule ${ruleId} has a description of ${p.description.length} characters. Maximum allowed is ${MAX_DESCRIPTION_CHARS}.`,
    );
  for (const f of PORT_FIELDS) {
    for (const v of valuesOf(p, f)) if (!isValidPortRange(v)) throw invalidPort(v);
  }
  for (const f of PREFIX_FIELDS) {
    const plural = arrayOf(p[`${f}es`]);
    for (const v of plural) {
      if (SERVICE_TAG.test(v))
        throw badRequest(
          'SecurityRuleParameterContainsUnsupportedValue',
          `Security rule parameter ${f[0].toUpperCase()}${f.slice(1)}es for rule with Id ${ruleId} cannot specify existing VIRTUALNETWORK, INTERNET, AZURELOADBALANCER, '*' or system tags. Unsupported value used: ${v}.`,
        );
      if (!isIpOrCidr(v)) throw invalidPrefix(ruleId, v);
    }
    const single = p[f];
    if (typeof single === 'string' && !SERVICE_TAG.test(single) && !isIpOrCidr(single))
      throw invalidPrefix(ruleId, single);
    if (single === undefined && plural.length === 0 && !hasAsgs(p, f))
      throw badRequest(
        'SecurityRuleParametersMissing',
        `Required security rule parameters are missing for security rule with Id: ${ruleId}. Security rule must specify ${f === 'sourceAddressPrefix' ? 'SourceAddressPrefixes, SourceAddressPrefix, or SourceApplicationSecurityGroups' : 'DestinationAddressPrefixes, DestinationAddressPrefix, or DestinationApplicationSecurityGroups'}.`,
      );
  }
  const others = siblings.filter((r) => r.name.toLowerCase() !== ruleName.toLowerCase());
  const clash = others.find(
    (r) =>
      r.properties?.priority === priority &&
      String(r.properties?.direction).toLowerCase() === String(p.direction).toLowerCase(),
  );
  if (clash)
    throw badRequest(
      'SecurityRuleConflict',
      `Security rule ${clash.name} conflicts with rule ${ruleName}. Rules cannot have the same Priority and Direction. To learn more, see aka.ms/nsgrules.`,
    );
  if (others.length + 1 > MAX_RULES_PER_NSG)
    throw badRequest(
      'SecurityRulesPerNetworkSecurityGroupLimitReached',
      `Network security group cannot have more than ${MAX_RULES_PER_NSG} security rules. Rule ${ruleId} cannot be added.`,
    );
}

/** The stored form: plural arrays always present, singular keys omitted when plurals are used. */
export function normalizeRuleProperties(p: Props): Props {
  const out: Props = { ...p };
  for (const f of [...PORT_FIELDS, ...PREFIX_FIELDS]) {
    const plural = arrayOf(p[`${f}s`] ?? p[`${f}es`]);
    const pluralKey = f.endsWith('Prefix') ? `${f}es` : `${f}s`;
    out[pluralKey] = plural;
    if (plural.length > 0) delete out[f];
  }
  for (const k of [
    'sourcePortRanges',
    'destinationPortRanges',
    'sourceAddressPrefixes',
    'destinationAddressPrefixes',
  ])
    if (!Array.isArray(out[k])) out[k] = [];
  delete out.provisioningState;
  return out;
}

export function invalidNameMessage(name: string): string {
  return `Resource name ${name} is invalid. The name can be up to 80 characters long. It must begin with a word character, and it must end with a word character or with '_'. The name may contain word characters or '.', '-', '_'.`;
}

/** The six read-only rules every NSG has, in the shape the service returns them. */
export function defaultSecurityRules(
  nsgId: string,
  etag: string,
  provisioningState = 'Succeeded',
): ArmResource[] {
  const mk = (
    name: string,
    priority: number,
    direction: 'Inbound' | 'Outbound',
    access: 'Allow' | 'Deny',
    src: string,
    dst: string,
    description: string,
  ): ArmResource => ({
    name,
    id: `${nsgId}/defaultSecurityRules/${name}`,
    etag,
    type: 'Microsoft.Network/networkSecurityGroups/defaultSecurityRules',
    properties: {
      provisioningState,
      description,
      protocol: '*',
      sourcePortRange: '*',
      destinationPortRange: '*',
      sourceAddressPrefix: src,
      destinationAddressPrefix: dst,
      access,
      priority,
      direction,
      sourcePortRanges: [],
      destinationPortRanges: [],
      sourceAddressPrefixes: [],
      destinationAddressPrefixes: [],
    },
  });
  return [
    mk(
      'AllowVnetInBound',
      65000,
      'Inbound',
      'Allow',
      'VirtualNetwork',
      'VirtualNetwork',
      'Allow inbound traffic from all VMs in VNET',
    ),
    mk(
      'AllowAzureLoadBalancerInBound',
      65001,
      'Inbound',
      'Allow',
      'AzureLoadBalancer',
      '*',
      'Allow inbound traffic from azure load balancer',
    ),
    mk('DenyAllInBound', 65500, 'Inbound', 'Deny', '*', '*', 'Deny all inbound traffic'),
    mk(
      'AllowVnetOutBound',
      65000,
      'Outbound',
      'Allow',
      'VirtualNetwork',
      'VirtualNetwork',
      'Allow outbound traffic from all VMs to all VMs in VNET',
    ),
    mk(
      'AllowInternetOutBound',
      65001,
      'Outbound',
      'Allow',
      '*',
      'Internet',
      'Allow outbound traffic from all VMs to Internet',
    ),
    mk('DenyAllOutBound', 65500, 'Outbound', 'Deny', '*', '*', 'Deny all outbound traffic'),
  ];
}

function badRequest(code: string, message: string): ArmError {
  return new ArmError(400, code, message);
}

function invalidPort(v: string): ArmError {
  return badRequest(
    'SecurityRuleInvalidPortRange',
    `Security rule has invalid Port range. Value provided: ${v}. Value should be an integer OR integer range with '-' delimiter. Valid range 0-65535.`,
  );
}

function invalidPrefix(ruleId: string, v: string): ArmError {
  return badRequest(
    'SecurityRuleInvalidAddressPrefix',
    `Security rule ${ruleId} has invalid Address prefix. Value provided: ${v}`,
  );
}

function valuesOf(p: Props, f: string): string[] {
  const single = p[f];
  return [
    ...(typeof single === 'string' ? [single] : single !== undefined ? [String(single)] : []),
    ...arrayOf(p[`${f}s`]),
  ];
}

function arrayOf(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}

function hasAsgs(p: Props, f: string): boolean {
  const key = f.startsWith('source')
    ? 'sourceApplicationSecurityGroups'
    : 'destinationApplicationSecurityGroups';
  return Array.isArray(p[key]) && (p[key] as unknown[]).length > 0;
}

function isValidPortRange(v: string): boolean {
  if (v === '*') return true;
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(v);
  if (!m) return false;
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  return lo <= 65535 && hi <= 65535 && lo <= hi;
}

function isIpOrCidr(v: string): boolean {
  if (v.includes('/')) return ipaddr.isValidCIDR(v);
  return ipaddr.isValid(v) && (ipaddr.IPv4.isValidFourPartDecimal(v) || v.includes(':'));
}

/** An NSG as served: with its computed default rules, which follow the NSG's etag and state. */
export function withDefaultRules(nsg: ArmResource): ArmResource {
  return {
    ...nsg,
    properties: {
      ...nsg.properties,
      defaultSecurityRules: defaultSecurityRules(
        nsg.id,
        nsg.etag ?? '',
        nsg.properties?.provisioningState ?? 'Succeeded',
      ),
    },
  };
}
