// A tiny stable hash for short keys in rule names and tags. Not cryptographic: it only has to tell
// apart VMs (and grants) that share a display name, and stay the same on every machine and run.

/** 32-bit FNV-1a of the UTF-16 code units of `text`, as 8 lowercase hex digits. */
export function fnv1a32(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/** The short key naming a VM in our rules. Azure ids are case-insensitive, so the key is too. */
export function vmKeyOf(vmId: string): string {
  return fnv1a32(vmId.toLowerCase());
}
