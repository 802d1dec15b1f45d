import { z } from 'zod';

/**
 * A task by reference: its record, written once into the run folder by the task group
 * (`runs/<run>/tasks/<instance>.<sha256 prefix>.json`), named by path and content hash. Episodes
 * and their activities carry this instead of the record, whose test lists and patches can weigh
 * hundreds of KB (a history would hold several copies per episode).
 */
export const stagedTaskSchema = z.strictObject({
  file: z.string().min(1),
  instanceId: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 hex digest'),
});
export type StagedTask = z.infer<typeof stagedTaskSchema>;
