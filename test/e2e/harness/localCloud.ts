// The extension's sandbox local cloud, seen from outside: the extension logs the admin API of the
// local cloud it started to its "JIT Access" output channel; the tests read the world through it.
import * as fs from 'node:fs';
import * as path from 'node:path';

const SANDBOX_LINE = /Local sandbox running: .*admin API (\S+) (\S+)/;

/** The local cloud's plain-HTTP admin URL, from the newest "JIT Access" log under the user-data dir. */
export function sandboxAdminUrl(userDataDir: string): string | undefined {
  const logs = findFiles(path.join(userDataDir, 'logs'), 'JIT Access.log').sort(
    (a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs,
  );
  for (const file of logs) {
    const lines = fs.readFileSync(file, 'utf8').split('\n').reverse();
    const match = lines.map((l) => SANDBOX_LINE.exec(l)).find(Boolean);
    // Both servers answer the same admin routes; the AWS one is plain HTTP (no CA to trust).
    if (match) return [match[1], match[2]].find((u) => u.startsWith('http://'));
  }
  return undefined;
}

export interface NsgRule {
  nsg: string;
  name: string;
  access: string;
  sourceAddressPrefix?: string;
  destinationPortRange?: string;
  destinationPortRanges?: string[];
}

/** Every NSG security rule in the local cloud's Azure world now. */
export async function nsgRules(adminUrl: string): Promise<NsgRule[]> {
  const res = await fetch(`${adminUrl}/state`);
  if (!res.ok) throw new Error(`GET ${adminUrl}/state: ${res.status}`);
  const world = (await res.json()) as {
    azure: {
      resources: Record<string, { name: string; type: string; properties?: { securityRules?: unknown[] } }>;
    };
  };
  return Object.values(world.azure.resources)
    .filter((r) => r.type.toLowerCase() === 'microsoft.network/networksecuritygroups')
    .flatMap((nsg) =>
      (
        (nsg.properties?.securityRules ?? []) as { name: string; properties: Omit<NsgRule, 'nsg' | 'name'> }[]
      ).map((rule) => ({ nsg: nsg.name, name: rule.name, ...rule.properties })),
    );
}

function findFiles(dir: string, name: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return findFiles(full, name);
    return e.name === name ? [full] : [];
  });
}
