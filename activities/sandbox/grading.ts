import { describeEnvironment, uidOf } from '../../core/environment/resolveEnvironment';
import { filesInDiff, looksLikeTestFile } from '../../core/grading/diffFiles';
import type { TestOutcome } from '../../core/grading/junitReport';
import { DEFAULT_TEST_CMD, testRunnerFor, type TestRunnerName } from '../../core/grading/testRunners';
import { verdictFromOutcomes, type GradeReason } from '../../core/grading/verdict';
import { shellQuote } from '../../core/shellQuote';
import { truncateMiddle } from '../../core/truncate';
import type { Task } from '../../core/tasks/taskSchema';
import { environmentForTask } from './environmentImages';
import { execContextOf } from './execContext';
import { execArgv } from './execCommand';
import { copyFileOut, copyFilesIn } from './files';
import { prepareRepository } from './repository';
import { createSandbox, destroySandbox } from './sandboxActivities';

const WORK = '/tmp/swe-rl-grade';
const JUNIT = `${WORK}/junit.xml`;

export interface GradeInput {
  task: Task;
  patch: string;
  reposDir?: string;
  /** Unique per grading; names the fresh container. */
  gradeId: string;
  runId?: string;
  testTimeoutSeconds?: number;
}

export interface GradeResult {
  instance_id: string;
  reward: 0 | 1;
  reason: GradeReason;
  tests: { FAIL_TO_PASS: Record<string, TestOutcome>; PASS_TO_PASS: Record<string, TestOutcome> };
  /** Test files the model's patch touched; they are reset to the task's versions before testing. */
  modified_tests: string[];
  log: string;
  duration_ms: number;
  /** The test runner that ran the tests, and how long its run took (absent when grading ended before it). */
  runner?: TestRunnerName;
  test_run_ms?: number;
}

/**
 * Grades a patch in a fresh container of the instance's environment (as its exec user, after its
 * activation): repository at base_commit, the model's patch, then the task's test_patch, then
 * FAIL_TO_PASS and PASS_TO_PASS with the instance's test runner, outcomes read from its JUnit
 * report when it writes one, else from its log. The container is always destroyed.
 */
export async function gradePatch(input: GradeInput): Promise<GradeResult> {
  const { task } = input;
  const started = Date.now();
  const sandboxId = `grade-${input.gradeId}`.replace(/[^a-zA-Z0-9_.-]/g, '-').slice(0, 128);
  const log: string[] = [];
  const empty = { FAIL_TO_PASS: {}, PASS_TO_PASS: {} };
  let testRun: { runner: TestRunnerName; test_run_ms: number } | undefined;
  const finish = (reason: GradeReason, tests = empty, modified: string[] = []): GradeResult => ({
    ...testRun,
    instance_id: task.instance_id,
    reward: 0,
    reason,
    tests,
    modified_tests: modified,
    log: log.join('\n'),
    duration_ms: Date.now() - started,
  });
  try {
    const environment = await environmentForTask(task, { reposDir: input.reposDir });
    log.push(`environment: ${describeEnvironment(environment)}`);
    const uid = uidOf(environment.user);
    // A retried grading must not reuse a container its first attempt already patched.
    await destroySandbox(sandboxId);
    await createSandbox({
      sandboxId,
      image: environment.image,
      runId: input.runId ?? 'grading',
      episodeId: input.gradeId,
      kind: 'grading',
      exec: execContextOf(environment),
    });
    const { head } = await prepareRepository(sandboxId, task, input.reposDir, { repoInImage: environment.repoInImage, image: environment.image, uid });
    log.push(`repository at ${task.base_commit} (sandbox HEAD ${head})`);
    // Owned by the exec user: with every capability dropped, even root writes only where it owns.
    await copyFilesIn(
      sandboxId,
      '/tmp',
      [
        { path: 'swe-rl-grade/model.patch', content: ensureNewline(input.patch) },
        { path: 'swe-rl-grade/test.patch', content: ensureNewline(task.test_patch) },
      ],
      uid,
    );

    if (input.patch.trim() !== '') {
      const applied = await step(sandboxId, log, 'apply model patch', applyScript(`${WORK}/model.patch`));
      if (applied.exitCode !== 0) return finish('patch_does_not_apply');
    } else {
      log.push('$ apply model patch\n(empty patch: nothing to apply)');
    }

    // The model may not change the tests that judge it: restore every test file it touched.
    const testPatchFiles = new Set(filesInDiff(task.test_patch));
    const modified = filesInDiff(input.patch).filter((f) => testPatchFiles.has(f) || looksLikeTestFile(f));
    if (modified.length > 0) {
      const restore = modified
        .map((f) => `if git cat-file -e HEAD:${shellQuote(f)} 2>/dev/null; then git checkout -q HEAD -- ${shellQuote(f)}; else rm -f -- ${shellQuote(f)}; fi`)
        .join('\n');
      await step(sandboxId, log, `restore test files the patch modified: ${modified.join(', ')}`, restore);
    }

    const testApplied = await step(sandboxId, log, 'apply test patch', applyScript(`${WORK}/test.patch`));
    if (testApplied.exitCode !== 0) return finish('test_patch_does_not_apply', empty, modified);

    const testIds = [...new Set([...task.FAIL_TO_PASS, ...task.PASS_TO_PASS])];
    const runner = testRunnerFor(environment.testCmd, task.repo);
    const command = runner.command({ testCmd: environment.testCmd ?? DEFAULT_TEST_CMD, testIds, testFiles: filesInDiff(task.test_patch), junitPath: JUNIT });
    // The whole output is parsed (runners without a report read their outcomes from it); the log keeps less.
    const run = await step(sandboxId, log, `run tests (${runner.name})`, command, input.testTimeoutSeconds ?? 600, { maxOutputBytes: TEST_OUTPUT_BYTES, showScript: true });
    testRun = { runner: runner.name, test_run_ms: run.durationMs };
    if (run.timedOut) return finish('test_run_timed_out', empty, modified);

    const report = runner.writesJunit ? await copyFileOut(sandboxId, JUNIT) : null;
    if (runner.writesJunit && !report) log.push('(no JUnit report was written; outcomes from the log)');
    const outcomes = runner.outcomes(testIds, run.output, report?.toString('utf8'));
    if (Object.values(outcomes).every((o) => o === 'missing')) {
      log.push(`the ${runner.name} runner reported none of the ${testIds.length} tests`);
      return finish('no_test_report', empty, modified);
    }
    const pick = (ids: string[]) => Object.fromEntries(ids.map((id) => [id, outcomes[id] ?? 'missing'])) as Record<string, TestOutcome>;
    const tests = { FAIL_TO_PASS: pick(task.FAIL_TO_PASS), PASS_TO_PASS: pick(task.PASS_TO_PASS) };
    const verdict = verdictFromOutcomes(tests.FAIL_TO_PASS, tests.PASS_TO_PASS);
    return { ...finish(verdict.reason, tests, modified), reward: verdict.reward };
  } finally {
    await destroySandbox(sandboxId);
  }
}

function applyScript(patchFile: string): string {
  return `git apply --verbose --whitespace=nowarn ${patchFile} || { echo "git apply failed; trying patch -p1"; patch -p1 --batch --forward --fuzz=2 < ${patchFile}; }`;
}

const LOG_BYTES = 64_000;
const TEST_OUTPUT_BYTES = 4_000_000;

/** Runs one grading step and logs it (the script too when asked), its output cut to LOG_BYTES in the log. */
async function step(
  sandboxId: string,
  log: string[],
  title: string,
  script: string,
  timeoutSeconds = 120,
  options: { maxOutputBytes?: number; showScript?: boolean } = {},
) {
  const result = await execArgv(sandboxId, ['bash', '-c', script], { timeoutSeconds, maxOutputBytes: options.maxOutputBytes ?? LOG_BYTES });
  const shown = truncateMiddle(result.output, LOG_BYTES).text;
  const header = `$ ${title} (exit ${result.exitCode}${result.timedOut ? ', timed out' : ''}, ${result.durationMs} ms)`;
  log.push([header, ...(options.showScript ? [script] : []), shown].join('\n'));
  return result;
}

function ensureNewline(text: string): string {
  return text.endsWith('\n') || text === '' ? text : `${text}\n`;
}
