import { z } from 'zod';
import { installConfigSchema } from './installConfig';

/**
 * Published datasets store test lists as JSON strings of lists ('["a::b"]'); accept both forms and
 * always produce a string array.
 */
const testList = z.preprocess(
  (value) => {
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value);
    } catch {
      return value; // left as a string: the array check below reports it
    }
  },
  z.array(z.string().min(1, 'test ids must not be empty'), { error: 'must be a list of test ids (or a JSON string of one)' }),
);

/** SWE-bench's `version` is a string ("3.1"); some exports store it as a number. */
const versionText = z.union([z.string().min(1, 'must not be empty'), z.number().transform(String)], {
  error: 'must be a version string (or a number)',
});

/** A SWE-bench / SWE-rebench instance. Unknown fields are kept, not dropped. */
export const taskSchema = z.looseObject({
  instance_id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'must be letters, digits, "_", "." or "-"').max(200),
  repo: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'must look like "owner/name"'),
  base_commit: z.string().regex(/^[0-9a-f]{7,40}$/, 'must be a git commit hash (7-40 hex digits)'),
  problem_statement: z.string().min(1, 'must not be empty'),
  patch: z.string(),
  test_patch: z.string().min(1, 'must not be empty: the tests that check the fix come from it'),
  FAIL_TO_PASS: testList.refine((list) => list.length > 0, 'must name at least one test'),
  PASS_TO_PASS: testList,
  image: z.string().min(1).optional(),
  test_cmd: z.string().min(1).optional(),
  version: versionText.optional(),
  environment_setup_commit: z.string().regex(/^[0-9a-f]{7,40}$/, 'must be a git commit hash (7-40 hex digits)').optional(),
  created_at: z.string().optional(),
  hints_text: z.string().optional(),
  image_name: z.string().min(1, 'must not be empty').optional(),
  docker_image: z.string().min(1, 'must not be empty').optional(),
  install_config: installConfigSchema.optional(),
});

export type Task = z.output<typeof taskSchema>;

/** The local folder name of a task's repository under `--repos DIR`: owner__name. */
export function repoFolderName(repo: string): string {
  return repo.replace('/', '__');
}
