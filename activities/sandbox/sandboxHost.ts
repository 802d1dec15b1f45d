import os from 'node:os';
import { normaliseHostName, sandboxHostQueue } from '../../core/taskQueues';

/** This worker's Docker host: SWE_RL_SANDBOX_HOST (unique and stable per engine), else the machine's name. */
export function sandboxHostName(): string {
  return normaliseHostName(process.env.SWE_RL_SANDBOX_HOST || os.hostname());
}

export function thisHostQueue(): string {
  return sandboxHostQueue(sandboxHostName());
}

/** Live episode sandboxes this host may hold (SWE_RL_SANDBOX_SLOTS; SWE_RL_SANDBOXES_PER_HOST is its old name). */
export function sandboxSlots(): number {
  const raw = process.env.SWE_RL_SANDBOX_SLOTS ?? process.env.SWE_RL_SANDBOXES_PER_HOST ?? '4';
  const slots = Number(raw);
  if (!Number.isInteger(slots) || slots < 1) throw new Error(`SWE_RL_SANDBOX_SLOTS must be a positive integer, got "${raw}"`);
  return slots;
}

/** Where a sandbox lives: every later call of it goes to this queue. */
export interface SandboxPlacement {
  host: string;
  taskQueue: string;
}

export function thisPlacement(): SandboxPlacement {
  return { host: sandboxHostName(), taskQueue: thisHostQueue() };
}
