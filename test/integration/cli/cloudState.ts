// What the local cloud itself holds (its world state and traffic log), for end-to-end assertions that
// do not trust the code under test to report on itself.
import assert from 'node:assert/strict';
import { decodeAzureRule } from '../../../src/engine/metadata';
import type { LocalCloud, TrafficEntry } from '../../../src/localcloud/index';

interface ArmRule {
  name: string;
  properties: {
    description?: string;
    sourceAddressPrefix?: string;
    sourceAddressPrefixes?: string[];
    destinationPortRange?: string;
    destinationPortRanges?: string[];
  };
}
interface ArmResource {
  id: string;
  type?: string;
  properties?: { securityRules?: ArmRule[] };
}

export interface StoredGrantRule {
  nsg: string;
  name: string;
  grantId: string;
  expiresAt: number;
  /** Every source the stored rule allows: the singular field and the plural list together. */
  sources: string[];
  /** Its destination port ranges, likewise. */
  ports: string[];
}

/** Our grant rules in the local cloud's Azure NSGs, straight from the emulator's world state. */
export function storedGrantRules(cloud: LocalCloud): StoredGrantRule[] {
  const resources = (cloud.state().azure as unknown as { resources: Record<string, ArmResource> }).resources;
  return Object.values(resources)
    .filter((r) => /networkSecurityGroups$/i.test(r.type ?? ''))
    .flatMap((r) =>
      (r.properties?.securityRules ?? []).map((rule) => ({
        nsg: r.id,
        rule,
        meta: decodeAzureRule({ name: rule.name, description: rule.properties.description ?? '' }),
      })),
    )
    .filter(({ meta }) => meta?.origin === 'jit-vm-access' && meta.kind === 'grant')
    .map(({ nsg, rule, meta }) => ({
      nsg,
      name: rule.name,
      grantId: meta!.grantId!,
      expiresAt: meta!.expiresAt!,
      sources: [
        ...(rule.properties.sourceAddressPrefix !== undefined ? [rule.properties.sourceAddressPrefix] : []),
        ...(rule.properties.sourceAddressPrefixes ?? []),
      ],
      ports: [
        ...(rule.properties.destinationPortRange !== undefined ? [rule.properties.destinationPortRange] : []),
        ...(rule.properties.destinationPortRanges ?? []),
      ],
    }));
}

/**
 * The safety contract's first point, checked in the cloud itself: every grant rule allows exactly one
 * source, and it is the one asked for (never `*` or a wider range).
 */
export function assertGrantSources(cloud: LocalCloud, expected: string, context = ''): StoredGrantRule[] {
  const rules = storedGrantRules(cloud);
  for (const r of rules) {
    assert.deepEqual(
      r.sources,
      [expected],
      `SAFETY: grant rule ${r.name} on ${r.nsg} allows ${JSON.stringify(r.sources)}, asked for ${expected} ${context}`,
    );
  }
  return rules;
}

/** The Azure PUTs of grant rules since `since`, with the source each one sent. */
export function grantRulePuts(cloud: LocalCloud, since: number): { entry: TrafficEntry; source?: string }[] {
  return cloud.traffic
    .writes({ cloud: 'azure', method: 'PUT', pathPattern: 'securityRules/JitVmAccess-Grant', since })
    .map((entry) => ({
      entry,
      source: (JSON.parse(entry.requestBody ?? '{}') as { properties?: { sourceAddressPrefix?: string } })
        .properties?.sourceAddressPrefix,
    }));
}

/** Rewrites the expiry recorded in every grant rule's metadata (time passing, as the cloud sees it). */
export function setGrantExpiry(cloud: LocalCloud, at: number): void {
  const stamp = new Date(at).toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
  cloud.load(JSON.parse(JSON.stringify(cloud.state()).replace(/( x=)\d{8}T\d{6}Z/g, `$1${stamp}`)));
}

export async function waitFor(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
