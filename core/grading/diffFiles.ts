/** Paths a unified git diff touches (both sides of renames; /dev/null ignored). */
export function filesInDiff(diff: string): string[] {
  const files = new Set<string>();
  for (const line of diff.split('\n')) {
    const header = /^diff --git a\/(.+?) b\/(.+)$/.exec(line);
    if (header) {
      files.add(header[1]);
      files.add(header[2]);
      continue;
    }
    const side = /^(?:---|\+\+\+) (?:[ab]\/)?(.+?)(?:\t.*)?$/.exec(line);
    if (side && side[1] !== '/dev/null') files.add(side[1]);
  }
  return [...files];
}

/** Whether a path looks like a test file by the usual Python conventions. */
export function looksLikeTestFile(path: string): boolean {
  const base = path.split('/').pop() ?? path;
  return /(^|\/)(tests?|testing)\//.test(path) || /^test_.*\.py$/.test(base) || /_test\.py$/.test(base) || base === 'conftest.py';
}
