import { filesInDiff, looksLikeTestFile } from '../../core/grading/diffFiles';
import { outcomesForNodeIds, parseJunitReport, type TestOutcome } from '../../core/grading/junitReport';
import { verdictFromOutcomes, type GradeReason } from '../../core/grading/verdict';
import { DEFAULT_SANDBOX_IMAGE } from '../../core/sandboxSpec';
import { shellQuote } from '../../core/shellQuote';
import type { Task } from '../../core/tasks/taskSchema';
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
}

/**
 * Grades a patch in a fresh container: repository at base_commit, the model's patch, then the
 * task's test_patch, then FAIL_TO_PASS and PASS_TO_PASS with outcomes read from a JUnit report.
 * The container is always destroyed.
 */
export async function gradePatch(input: GradeInput): Promise<GradeResult> {
  const { task } = input;
  const started = Date.now();
  const sandboxId = `grade-${input.gradeId}`.replace(/[^a-zA-Z0-9_.-]/g, '-').slice(0, 128);
  const log: string[] = [];
  const empty = { FAIL_TO_PASS: {}, PASS_TO_PASS: {} };
  const finish = (reason: GradeReason, tests = empty, modified: string[] = []): GradeResult => ({
    instance_id: task.instance_id,
    reward: 0,
    reason,
    tests,
    modified_tests: modified,
    log: log.join('\n'),
    duration_ms: Date.now() - started,
  });
  try {
    // A retried grading must not reuse a container its first attempt already patched.
    await destroySandbox(sandboxId);
    await createSandbox({
      sandboxId,
      image: task.image ?? DEFAULT_SANDBOX_IMAGE,
      runId: input.runId ?? 'grading',
      episodeId: input.gradeId,
      kind: 'grading',
    });
    const { head } = await prepareRepository(sandboxId, task, input.reposDir);
    log.push(`repository at ${task.base_commit} (sandbox HEAD ${head})`);
    await copyFilesIn(sandboxId, '/tmp', [
      { path: 'swe-rl-grade/model.patch', content: ensureNewline(input.patch) },
      { path: 'swe-rl-grade/test.patch', content: ensureNewline(task.test_patch) },
    ]);

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

    const nodeIds = [...new Set([...task.FAIL_TO_PASS, ...task.PASS_TO_PASS])];
    const testCommand = task.test_cmd ?? 'python3 -m pytest -p no:cacheprovider -q';
    const run = await step(
      sandboxId,
      log,
      'run tests',
      `${testCommand} --junitxml=${JUNIT} -o junit_family=xunit1 ${nodeIds.map(shellQuote).join(' ')}`,
      input.testTimeoutSeconds ?? 600,
    );
    if (run.timedOut) return finish('test_run_timed_out', empty, modified);

    const report = await copyFileOut(sandboxId, JUNIT);
    if (!report) return finish('no_test_report', empty, modified);
    let outcomes;
    try {
      outcomes = parseJunitReport(report.toString('utf8'));
    } catch (err) {
      log.push(`unreadable JUnit report: ${(err as Error).message}`);
      return finish('no_test_report', empty, modified);
    }
    const tests = {
      FAIL_TO_PASS: outcomesForNodeIds(outcomes, task.FAIL_TO_PASS),
      PASS_TO_PASS: outcomesForNodeIds(outcomes, task.PASS_TO_PASS),
    };
    const verdict = verdictFromOutcomes(tests.FAIL_TO_PASS, tests.PASS_TO_PASS);
    return { ...finish(verdict.reason, tests, modified), reward: verdict.reward };
  } finally {
    await destroySandbox(sandboxId);
  }
}

function applyScript(patchFile: string): string {
  return `git apply --verbose --whitespace=nowarn ${patchFile} || { echo "git apply failed; trying patch -p1"; patch -p1 --batch --forward --fuzz=2 < ${patchFile}; }`;
}

async function step(sandboxId: string, log: string[], title: string, script: string, timeoutSeconds = 120) {
  const result = await execArgv(sandboxId, ['bash', '-c', script], { timeoutSeconds, maxOutputBytes: 64_000 });
  log.push(`$ ${title} (exit ${result.exitCode}${result.timedOut ? ', timed out' : ''}, ${result.durationMs} ms)\n${result.output}`);
  return result;
}

function ensureNewline(text: string): string {
  return text.endsWith('\n') || text === '' ? text : `${text}\n`;
}
