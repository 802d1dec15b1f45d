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
  /** The workflow task whose completion scheduled this activity. */
  byWorkflowTask: number;
}

function activitySpans(events: HistoryEvent[]): ActivitySpan[] {
  const byScheduled = new Map<string, ActivitySpan>();
  const spans: ActivitySpan[] = [];
  for (const e of events) {
    const id = String(e.eventId);
    if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
      const attributes = e.activityTaskScheduledEventAttributes!;
      const span = { type: attributes.activityType!.name!, scheduled: ms(e.eventTime), started: 0, closed: 0, byWorkflowTask: Number(attributes.workflowTaskCompletedEventId ?? 0) };
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

/** Where a turn's Temporal overhead went, in ms (the parts add up to turnOverheadsMs's figure). */
export interface TurnOverheadParts {
  /** Activities scheduled -> started: waiting on their task queue for a poller. */
  activityQueue: number;
  /** Workflow tasks scheduled -> started: waiting on the workflow queue for the worker. */
  workflowTaskQueue: number;
  /** Workflow tasks started -> completed: the worker's activation, its completion RPC and the server's write. */
  workflowTaskOnWorker: number;
  /** The rest: an activity's completion -> the next workflow task scheduled, and the like. */
  other: number;
}

/** turnOverheadsMs, split into its parts through the workflow task that scheduled each activity. */
export function turnOverheadPartsMs(events: HistoryEvent[]): TurnOverheadParts[] {
  const byId = new Map(events.map((e) => [Number(e.eventId), e]));
  const spans = activitySpans(events);
  const turns: TurnOverheadParts[] = [];
  for (let i = 1; i < spans.length; i++) {
    const s = spans[i];
    if (!TURN_ACTIVITIES.has(s.type)) continue;
    const gap = s.scheduled - spans[i - 1].closed;
    const completed = byId.get(s.byWorkflowTask)?.workflowTaskCompletedEventAttributes;
    const scheduledAt = ms(byId.get(Number(completed?.scheduledEventId ?? -1))?.eventTime);
    const startedAt = ms(byId.get(Number(completed?.startedEventId ?? -1))?.eventTime);
    const completedAt = ms(byId.get(s.byWorkflowTask)?.eventTime);
    const known = completed && scheduledAt && startedAt && completedAt;
    const part: TurnOverheadParts = {
      activityQueue: s.started - s.scheduled,
      workflowTaskQueue: known ? startedAt - scheduledAt : 0,
      workflowTaskOnWorker: known ? completedAt - startedAt : 0,
      other: known ? gap - (completedAt - scheduledAt) : gap,
    };
    if (s.type === 'policyTurn') turns.push(part);
    else if (turns.length > 0) {
      const last = turns[turns.length - 1];
      for (const k of Object.keys(part) as (keyof TurnOverheadParts)[]) last[k] += part[k];
    }
  }
  return turns;
}

/** The median of each part over many turns. */
export function medianParts(parts: TurnOverheadParts[]): TurnOverheadParts {
  const of = (k: keyof TurnOverheadParts) => quantile(parts.map((p) => p[k]), 0.5);
  return { activityQueue: of('activityQueue'), workflowTaskQueue: of('workflowTaskQueue'), workflowTaskOnWorker: of('workflowTaskOnWorker'), other: of('other') };
}

export function quantile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
