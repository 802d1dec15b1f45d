import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { KIND_LABEL, SANDBOX_LABEL, docker } from './dockerClient';
import { sandboxHostName, sandboxSlots } from './sandboxHost';
import { slotFreed, type SlotSignal } from './slotSignal';

let queue: Promise<unknown> = Promise.resolve();

/** Runs `fn` after every earlier call has finished: counting and creating must not interleave. */
function serialised<T>(fn: () => Promise<T>): Promise<T> {
  const run = queue.then(fn, fn);
  queue = run.catch(() => undefined);
  return run;
}

/** Live episode sandboxes on this engine (every container of kind `episode`, running or not). */
export async function liveEpisodeSandboxes(): Promise<number> {
  const containers = await docker().listContainers({ all: true, filters: { label: [`${SANDBOX_LABEL}=1`, `${KIND_LABEL}=episode`] } });
  return containers.length;
}

export interface SlotDeps {
  /** Live episode sandboxes on this host (Docker's count by default). */
  count?: () => Promise<number>;
  now?: () => number;
  signal?: SlotSignal;
}

/**
 * Creates an episode sandbox only while this host holds fewer than its slot count, so a host
 * never overcommits its memory. Waits for a slot up to SWE_RL_SLOT_WAIT_SECONDS (default 20),
 * heartbeating, then fails with the retryable `NoSandboxSlot`: Temporal retries the creation,
 * and the retry may be taken by a host with a free slot. A waiting placement counts the live
 * sandboxes again when this process frees a slot (slotSignal.ts), or at the latest every
 * SWE_RL_SLOT_RECHECK_SECONDS (default 2) for a slot freed elsewhere; it does not poll Docker.
 */
export async function withSandboxSlot<T>(create: () => Promise<T>, deps: SlotDeps = {}): Promise<T> {
  const { count = liveEpisodeSandboxes, now = () => Date.now(), signal = slotFreed } = deps;
  const waitMs = Number(process.env.SWE_RL_SLOT_WAIT_SECONDS ?? 20) * 1000;
  const recheckMs = Number(process.env.SWE_RL_SLOT_RECHECK_SECONDS ?? 2) * 1000;
  const deadline = now() + waitMs;
  for (;;) {
    const created = await serialised(async () => ((await count()) < sandboxSlots() ? { value: await create() } : null));
    if (created) return created.value;
    const left = deadline - now();
    if (left <= 0) {
      throw ApplicationFailure.retryable(`host ${sandboxHostName()} holds ${sandboxSlots()} live sandboxes (all its slots)`, 'NoSandboxSlot');
    }
    heartbeat();
    await signal.next(Math.min(recheckMs, left));
  }
}

function heartbeat(): void {
  try {
    Context.current().heartbeat();
  } catch {
    // Not in an activity (a CLI call): nothing to report to.
  }
}
