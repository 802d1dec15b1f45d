/** Task queues of the architecture (ARCHITECTURE.md section 1). */
export const TASK_QUEUES = {
  orchestrator: 'swe-rl',
  sandbox: 'swe-rl-sandbox',
  policy: 'swe-rl-policy',
  trainer: 'swe-rl-trainer',
} as const;

export type TaskQueueName = keyof typeof TASK_QUEUES;
