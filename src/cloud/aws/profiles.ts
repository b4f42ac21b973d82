// Which named profiles the shared config and credentials files define, read with the SDK's own
// parser so that we see exactly the profiles its credential chain can resolve.
import type { AwsSharedFiles } from './options';

/** Section prefixes of the config file that are not profiles. */
const NON_PROFILE_SECTIONS = ['sso-session.', 'services.'];

export async function listProfiles(files: AwsSharedFiles): Promise<string[]> {
  const { loadSharedConfigFiles } = await import('@smithy/core/config');
  const { configFile, credentialsFile } = await loadSharedConfigFiles({
    ...(files.credentials ? { filepath: files.credentials } : {}),
    ...(files.config ? { configFilepath: files.config } : {}),
    ignoreCache: true,
  });
  const names = new Set([...Object.keys(credentialsFile), ...Object.keys(configFile)]);
  return [...names].filter((n) => !NON_PROFILE_SECTIONS.some((p) => n.startsWith(p))).sort();
}
