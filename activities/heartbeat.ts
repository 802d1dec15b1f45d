import { Context } from '@temporalio/activity';

/**
 * Heartbeats every few seconds while `work` runs, so Temporal notices a dead worker within the
 * heartbeat timeout instead of waiting for the whole start-to-close timeout. Outside an activity
 * (a CLI or a test calling the function directly) it just runs `work`.
 */
export async function withHeartbeat<T>(work: () => Promise<T>, everyMs = 5000): Promise<T> {
  let context: Context | undefined;
  try {
    context = Context.current();
  } catch {
    return work();
  }
  const timer = setInterval(() => context!.heartbeat(), everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

/** Reports liveness from a long loop (a no-op outside an activity) and lets the heartbeat go out. */
export async function heartbeatNow(details?: unknown): Promise<void> {
  try {
    Context.current().heartbeat(details);
  } catch {
    return;
  }
  await new Promise((resolve) => setImmediate(resolve));
}
