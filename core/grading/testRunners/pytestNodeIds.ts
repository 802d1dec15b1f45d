/**
 * The `::`-separated parts of a pytest node id, not splitting inside a parameter's brackets
 * (`tests/a.py::test_x[m::n]` has two parts).
 */
export function nodeIdParts(nodeId: string): string[] {
  const bracket = nodeId.indexOf('[');
  const head = bracket === -1 ? nodeId : nodeId.slice(0, bracket);
  const params = bracket === -1 ? '' : nodeId.slice(bracket);
  const parts = head.split('::');
  parts[parts.length - 1] += params;
  return parts;
}

/** The file part of a node id (`tests/a.py` for `tests/a.py::T::test_x`). */
export function nodeIdFile(nodeId: string): string {
  return nodeIdParts(nodeId)[0];
}

/**
 * Key of a node id in a JUnit report written with junit_family=xunit1: `classname::name`, where
 * classname is the module path with dots plus any enclosing classes (`tests.test_calc.TestAdd`).
 */
export function junitKeyOf(nodeId: string): string {
  const parts = nodeIdParts(nodeId);
  const module = parts[0].replace(/\.py$/, '').replace(/^\.\//, '').split('/').join('.');
  return `${[module, ...parts.slice(1, -1)].join('.')}::${parts[parts.length - 1]}`;
}

/**
 * The argument that selects a node id on pytest's command line. An id cut off mid-parameter (more `[`
 * than `]`) names no test pytest could find, which would abort the whole run: it selects the whole
 * parametrised function instead.
 */
export function selectorFor(nodeId: string): string {
  const open = nodeId.split('[').length - 1;
  const close = nodeId.split(']').length - 1;
  return open > close ? nodeId.slice(0, nodeId.indexOf('[')) : nodeId;
}
