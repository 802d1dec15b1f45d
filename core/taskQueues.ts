/** Task queues of the architecture (ARCHITECTURE.md section 1). */
export const TASK_QUEUES = {
  orchestrator: 'swe-rl',
  /** Shared by every sandbox worker: sandbox creation (placement) and grading. */
  sandbox: 'swe-rl-sandbox',
  policy: 'swe-rl-policy',
  trainer: 'swe-rl-trainer',
} as const;

export type TaskQueueName = keyof typeof TASK_QUEUES;

/** A host name usable in a task queue name and a container label. */
export function normaliseHostName(name: string): string {
  const host = name.trim().toLowerCase().replace(/[^a-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '');
  if (!host) throw new Error(`"${name}" is not usable as a sandbox host name`);
  return host.slice(0, 100);
}

/** The queue only the sandbox worker of one Docker host polls: every call after a sandbox's creation. */
export function sandboxHostQueue(host: string): string {
  return `${TASK_QUEUES.sandbox}@${normaliseHostName(host)}`;
}
