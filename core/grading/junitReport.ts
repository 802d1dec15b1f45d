import { XMLParser } from 'fast-xml-parser';

export type TestOutcome = 'passed' | 'failed' | 'error' | 'skipped' | 'missing';

/**
 * Key of a test in a pytest JUnit report: `classname::name`, where classname is the module path
 * with dots plus any enclosing classes (`tests.test_calc.TestAdd`).
 */
export function junitKeyForNodeId(nodeId: string): string {
  const parts = nodeId.split('::');
  const file = parts[0].replace(/\.py$/, '').replace(/^\.\//, '').split('/').join('.');
  const name = parts[parts.length - 1];
  const classes = parts.slice(1, -1);
  return `${[file, ...classes].join('.')}::${name}`;
}

/** Reads per-test outcomes from a JUnit XML report, keyed as junitKeyForNodeId keys them. */
export function parseJunitReport(xml: string): Map<string, TestOutcome> {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    isArray: (name) => ['testsuite', 'testcase', 'failure', 'error', 'skipped'].includes(name),
  });
  const doc = parser.parse(xml) as Record<string, unknown>;
  const suites = collectSuites(doc);
  const outcomes = new Map<string, TestOutcome>();
  for (const suite of suites) {
    for (const testcase of (suite.testcase as Record<string, unknown>[] | undefined) ?? []) {
      const key = `${String(testcase.classname ?? '')}::${String(testcase.name ?? '')}`;
      outcomes.set(key, worst(outcomes.get(key), outcomeOf(testcase)));
    }
  }
  return outcomes;
}

function collectSuites(doc: Record<string, unknown>): Record<string, unknown>[] {
  const root = (doc.testsuites as Record<string, unknown> | undefined) ?? doc;
  const suites = root.testsuite;
  if (!Array.isArray(suites)) throw new Error('JUnit report has no <testsuite> element');
  return suites as Record<string, unknown>[];
}

function outcomeOf(testcase: Record<string, unknown>): TestOutcome {
  if (testcase.error) return 'error';
  if (testcase.failure) return 'failed';
  if (testcase.skipped) return 'skipped';
  return 'passed';
}

const SEVERITY: TestOutcome[] = ['passed', 'skipped', 'missing', 'failed', 'error'];
function worst(a: TestOutcome | undefined, b: TestOutcome): TestOutcome {
  if (a === undefined) return b;
  return SEVERITY.indexOf(a) >= SEVERITY.indexOf(b) ? a : b;
}

/** Outcome of each named pytest node id; ids absent from the report are `missing`. */
export function outcomesForNodeIds(report: Map<string, TestOutcome>, nodeIds: string[]): Record<string, TestOutcome> {
  return Object.fromEntries(nodeIds.map((id) => [id, report.get(junitKeyForNodeId(id)) ?? 'missing']));
}
