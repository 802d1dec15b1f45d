/** Whether the stand-in episode of this key passes: a seeded (FNV-1a) hash, about one in five. */
export function standInPasses(episodeKey: string): boolean {
  let h = 0x811c9dc5;
  for (let i = 0; i < episodeKey.length; i++) {
    h ^= episodeKey.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % 5 === 0;
}
