// Figures read from workflow histories: size per workflow type, the children a workflow started,
// and the time each agent turn spent in Temporal rather than in activity code.
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const EventType = temporal.api.enums.v1.EventType;

const ms = (t: HistoryEvent['eventTime']) => (t ? Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : 0);

export interface FetchedHistory {
  workflowId: string;
  type: string;
  events: HistoryEvent[];
  bytes: number;
}

export async function fetchHistory(client: Client, workflowId: string, type: string): Promise<FetchedHistory> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const bytes = temporal.api.history.v1.History.encode(history).finish().length;
  return { workflowId, type, events: history.events ?? [], bytes };
}

/** The ids and types of the child workflows a history started. */
export function childrenOf(history: FetchedHistory): { workflowId: string; type: string }[] {
  return history.events
    .filter((e) => e.eventType === EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED)
    .map((e) => ({
      workflowId: e.startChildWorkflowExecutionInitiatedEventAttributes!.workflowId!,
      type: e.startChildWorkflowExecutionInitiatedEventAttributes!.workflowType!.name!,
    }));
}

/** The largest history (events and bytes) of each workflow type. */
export function largestPerType(histories: FetchedHistory[]): Record<string, { events: number; bytes: number; workflows: number }> {
  const out: Record<string, { events: number; bytes: number; workflows: number }> = {};
  for (const h of histories) {
    const entry = (out[h.type] ??= { events: 0, bytes: 0, workflows: 0 });
    entry.events = Math.max(entry.events, h.events.length);
    entry.bytes = Math.max(entry.bytes, h.bytes);
    entry.workflows++;
  }
  return out;
}

interface ActivitySpan {
  type: string;
  scheduled: number;
  started: number;
  closed: number;
}

function activitySpans(events: HistoryEvent[]): ActivitySpan[] {
  const byScheduled = new Map<string, ActivitySpan>();
  const spans: ActivitySpan[] = [];
  for (const e of events) {
    const id = String(e.eventId);
    if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
      const span = { type: e.activityTaskScheduledEventAttributes!.activityType!.name!, scheduled: ms(e.eventTime), started: 0, closed: 0 };
      byScheduled.set(id, span);
      spans.push(span);
    } else if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED) {
      const span = byScheduled.get(String(e.activityTaskStartedEventAttributes!.scheduledEventId));
      if (span) span.started = ms(e.eventTime);
    } else if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) {
      const span = byScheduled.get(String(e.activityTaskCompletedEventAttributes!.scheduledEventId));
      if (span) span.closed = ms(e.eventTime);
    }
  }
  return spans.filter((s) => s.started > 0 && s.closed > 0);
}

const TURN_ACTIVITIES = new Set(['policyTurn', 'sandboxTurn', 'storeSubmission']);

/**
 * Temporal's share of each agent turn of an episode (policyTurn and its tool call): for each of
 * the turn's activities, the time from the previous activity's completion to its scheduling (the
 * workflow task between them) plus its schedule-to-start (time on the task queue).
 */
export function turnOverheadsMs(events: HistoryEvent[]): number[] {
  const spans = activitySpans(events);
  const turns: number[] = [];
  for (let i = 1; i < spans.length; i++) {
    const s = spans[i];
    if (!TURN_ACTIVITIES.has(s.type)) continue;
    const overhead = s.scheduled - spans[i - 1].closed + (s.started - s.scheduled);
    if (s.type === 'policyTurn') turns.push(overhead);
    else if (turns.length > 0) turns[turns.length - 1] += overhead;
  }
  return turns;
}

export function quantile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
