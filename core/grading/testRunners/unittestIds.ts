// A verbose unittest description: `test_m (pkg.module.Class)` (Python < 3.11) or
// `test_m (pkg.module.Class.test_m)` (3.11+), optionally followed by a subTest's ` (i=1)`.
const DESCRIPTION = /^([A-Za-z_]\w*) \(([A-Za-z_][\w.]*)\)(?: \(.*\))?$/;

/**
 * The dotted name (`pkg.module.Class.test_m`) of a test written as unittest describes it, in either
 * form; a dotted name is returned as it is. Undefined for text that is neither (a docstring line).
 */
export function dottedTestName(id: string): string | undefined {
  const description = DESCRIPTION.exec(id.trim());
  if (description) return dottedFromParts(description[1], description[2]);
  return /^[A-Za-z_][\w]*(\.[A-Za-z_]\w*)+$/.test(id.trim()) ? id.trim() : undefined;
}

export function dottedFromParts(method: string, inParentheses: string): string {
  return inParentheses.endsWith(`.${method}`) ? inParentheses : `${inParentheses}.${method}`;
}
