import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure, TimeoutFailure, isCancellation } from '@temporalio/workflow';
import { classifyActivityFailure, type FailureReason } from '../core/failures/failurePolicy';

/**
 * The counted reason and message of an episode's failure, or null for what must propagate
 * (cancellation of the workflow, and bugs in the workflow code itself).
 */
export function describeFailure(err: unknown): { reason: FailureReason; message: string } | null {
  if (isCancellation(err)) return null;
  if (err instanceof ActivityFailure) {
    const cause = err.cause;
    const message = `${err.activityType}: ${cause?.message ?? err.message}`;
    return {
      reason: classifyActivityFailure({
        activityType: err.activityType,
        failureType: cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined,
        timeoutType: cause instanceof TimeoutFailure ? timeoutName(cause.timeoutType) : undefined,
        message: deepMessage(err),
      }),
      message,
    };
  }
  if (err instanceof ChildWorkflowFailure) return { reason: 'workflow_error', message: `${err.execution.workflowId}: ${deepMessage(err)}` };
  return null;
}

/** A failed activity's ApplicationFailure type or timeout name (`SCHEDULE_TO_START`, ...); undefined for anything else. */
export function activityFailureKind(err: unknown): string | undefined {
  if (!(err instanceof ActivityFailure)) return undefined;
  if (err.cause instanceof ApplicationFailure) return err.cause.type ?? undefined;
  if (err.cause instanceof TimeoutFailure) return timeoutName(err.cause.timeoutType);
  return undefined;
}

function timeoutName(type: unknown): string | undefined {
  return typeof type === 'string' ? type.replace(/^TIMEOUT_TYPE_/, '') : undefined;
}

function deepMessage(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e instanceof Error && parts.length < 6; e = (e as Error & { cause?: unknown }).cause) parts.push(e.message);
  return parts.join(' <- ');
}
