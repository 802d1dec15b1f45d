import type { TestOutcome } from '../junitReport';
import { logLines } from './logText';
import { recordOutcome } from './outcomeMap';
import { dottedFromParts, dottedTestName } from './unittestIds';

// `name (dotted)` optionally followed by a subTest's `(params)`, then the rest of the line.
const TEST_START = /^\s*([A-Za-z_]\w*) \(([A-Za-z_][\w.]*)\)((?: \(.*?\))?)(.*)$/;
const SECTION = /^(FAIL|ERROR|UNEXPECTED SUCCESS): ([A-Za-z_]\w*) \(([A-Za-z_][\w.]*)\)(?: \(.*\))?\s*$/;
const RESULT = /^(ok|OK|FAIL|ERROR|skipped(?: .*)?|expected failure|unexpected success)$/;
const CLASS_AND_MODULE_FIXTURES = new Set(['setUpClass', 'tearDownClass', 'setUpModule', 'tearDownModule']);
// The placeholder tests unittest makes for a name it could not import or find.
const IMPORT_FAILURE = /^unittest\.loader\.(_FailedTest|ModuleImportFailure)(\.|$)/;

/**
 * Expected failures count as passed, as SWE-bench counts pytest's XFAIL; an unexpected success fails
 * the run in unittest (since 3.4), so it counts as failed.
 */
function outcomeOfResult(result: string): TestOutcome {
  if (result === 'ok' || result === 'OK' || result === 'expected failure') return 'passed';
  if (result === 'FAIL' || result === 'unexpected success') return 'failed';
  if (result === 'ERROR') return 'error';
  return 'skipped';
}

export interface UnittestLog {
  /** Outcome of a test by its dotted name or by its docstring's first line (worst when seen several times). */
  byName: Map<string, TestOutcome>;
  byDocstring: Map<string, TestOutcome>;
  /** Dotted classes or modules whose setUpClass / setUpModule (or tearDown) raised. */
  fixtureErrors: Set<string>;
  /** Names unittest could not import or find (the last name of a `_FailedTest`). */
  importFailures: Set<string>;
}

interface Result {
  name: string;
  outcome: TestOutcome;
  docstring?: string;
}

interface Pending {
  name: string;
  /** Whether the ` ... ` after the description (and docstring) was printed; the result follows it. */
  awaitingResult: boolean;
  docstring?: string;
}

/**
 * Reads a verbose (`-v`, Django `--verbosity 2`) unittest log: `test_m (pkg.C.test_m) ... ok`, a
 * docstring line between the description and ` ... `, output printed between ` ... ` and the
 * result, subTest lines, and the `FAIL:` / `ERROR:` sections after the run.
 */
export function parseUnittestLog(log: string): UnittestLog {
  const parsed: UnittestLog = { byName: new Map(), byDocstring: new Map(), fixtureErrors: new Set(), importFailures: new Set() };
  const lines = logLines(log);
  const fromLines: Result[] = [];
  const fromSections: Result[] = [];
  let finished = false;
  let pending: Pending | undefined;

  const finish = (name: string, result: string, docstring?: string) => {
    fromLines.push({ name, outcome: outcomeOfResult(result), docstring });
    pending = undefined;
  };

  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i].trimEnd();
    if (/^Ran \d+ tests? in /.test(line)) finished = true;
    const section = SECTION.exec(line);
    if (section) {
      // Django's runner and unittest print the docstring's first line under the section title too.
      const next = lines[i + 1]?.trim() ?? '';
      const docstring = next !== '' && !/^[-=]{10,}$/.test(next) ? next : undefined;
      fromSections.push({ name: dottedFromParts(section[2], section[3]), outcome: section[1] === 'ERROR' ? 'error' : 'failed', docstring });
      pending = undefined;
      continue;
    }
    const start = TEST_START.exec(line);
    const rest = start?.[4] ?? '';
    if (start && (rest === '' || rest === ' ...' || rest.startsWith(' ... '))) {
      const name = dottedFromParts(start[1], start[2]);
      const result = rest.slice(5).trim();
      if (RESULT.test(result)) finish(name, result);
      else pending = { name, awaitingResult: rest !== '' };
      continue;
    }
    if (!pending) continue;
    const trimmed = line.trim();
    if (!pending.awaitingResult) {
      // The docstring line: `Docstring first line ... ok`.
      const dots = trimmed.lastIndexOf(' ... ');
      const bare = trimmed.endsWith(' ...');
      if (dots === -1 && !bare) continue;
      const docstring = bare ? trimmed.slice(0, -4) : trimmed.slice(0, dots);
      const result = bare ? '' : trimmed.slice(dots + 5).trim();
      if (RESULT.test(result)) finish(pending.name, result, docstring);
      else pending = { name: pending.name, awaitingResult: true, docstring };
      continue;
    }
    if (RESULT.test(trimmed)) finish(pending.name, trimmed, pending.docstring);
  }

  // Every error of a finished run has its `ERROR:` section. An ERROR on a test's line without one was
  // printed there by something else: before 3.11 a failed subTest leaves its test's line open, and a
  // setUpClass error is then written at the end of it.
  const erroredInSections = new Set(fromSections.filter((r) => r.outcome === 'error').map((r) => r.name));
  const misplaced = (result: Result) => finished && result.outcome === 'error' && !erroredInSections.has(result.name);
  for (const result of [...fromLines.filter((r) => !misplaced(r)), ...fromSections]) {
    record(parsed, result.name, result.outcome);
    if (result.docstring) recordOutcome(parsed.byDocstring, result.docstring, result.outcome);
  }
  return parsed;
}

function record(parsed: UnittestLog, name: string, outcome: TestOutcome): void {
  const method = name.slice(name.lastIndexOf('.') + 1);
  const owner = name.slice(0, name.lastIndexOf('.'));
  if (CLASS_AND_MODULE_FIXTURES.has(method)) {
    if (outcome === 'error' || outcome === 'failed') parsed.fixtureErrors.add(owner);
    return;
  }
  if (IMPORT_FAILURE.test(owner + '.')) {
    parsed.importFailures.add(method);
    return;
  }
  recordOutcome(parsed.byName, name, outcome);
}

/**
 * The outcome of a dataset id (dotted, `test_m (pkg.C)`, `test_m (pkg.C.test_m)`, or a docstring's
 * first line): its own result; else `error` when its class or module fixture raised or a name in its
 * path could not be imported; else `missing`.
 */
export function unittestOutcome(parsed: UnittestLog, id: string): TestOutcome {
  const dotted = dottedTestName(id);
  if (dotted !== undefined) {
    const own = parsed.byName.get(dotted);
    if (own !== undefined) return own;
  }
  const byDocstring = parsed.byDocstring.get(id.trim());
  if (byDocstring !== undefined) return byDocstring;
  if (dotted === undefined) return 'missing';
  const segments = dotted.split('.');
  for (let n = segments.length - 1; n > 0; n -= 1) {
    if (parsed.fixtureErrors.has(segments.slice(0, n).join('.'))) return 'error';
  }
  if (segments.some((segment) => parsed.importFailures.has(segment))) return 'error';
  return 'missing';
}
