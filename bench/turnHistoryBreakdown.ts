import type { temporal } from '@temporalio/proto';
import { tsToMs } from '@temporalio/common/lib/time';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** One activity of a turn, from the workflow's history (server timestamps, ms). */
interface ActivitySpan {
  type: string;
  scheduled: number;
  started: number;
  completed: number;
  inputBytes: number;
  resultBytes: number;
}

/** Where one benchmark turn's time went, in ms, and the bytes its activities carried. */
export interface TurnBreakdown {
  /** Activity scheduled -> started, summed over the turn's activities (dispatch to a poller). */
  scheduleToStart: number;
  /** Activity started -> completed as the server saw it (the work plus the completion's round trip). */
  run: number;
  /** The same per activity, in order. */
  runs: number[];
  /** Activity completed -> the next activity scheduled: one workflow task each. */
  workflowTask: number;
  inputBytes: number;
  resultBytes: number;
}

const payloadBytes = (payloads: temporal.api.common.v1.IPayloads | null | undefined): number =>
  (payloads?.payloads ?? []).reduce((sum, p) => sum + (p.data?.length ?? 0), 0);

function activitySpans(events: HistoryEvent[]): ActivitySpan[] {
  const byScheduledId = new Map<number, ActivitySpan>();
  const spans: ActivitySpan[] = [];
  for (const e of events) {
    const at = tsToMs(e.eventTime);
    const id = Number(e.eventId);
    if (e.activityTaskScheduledEventAttributes) {
      const a = e.activityTaskScheduledEventAttributes;
      const span = { type: a.activityType?.name ?? '?', scheduled: at, started: at, completed: at, inputBytes: payloadBytes(a.input), resultBytes: 0 };
      byScheduledId.set(id, span);
      spans.push(span);
    } else if (e.activityTaskStartedEventAttributes) {
      const span = byScheduledId.get(Number(e.activityTaskStartedEventAttributes.scheduledEventId));
      if (span) span.started = at;
    } else if (e.activityTaskCompletedEventAttributes) {
      const a = e.activityTaskCompletedEventAttributes;
      const span = byScheduledId.get(Number(a.scheduledEventId));
      if (span) {
        span.completed = at;
        span.resultBytes = payloadBytes(a.result);
      }
    }
  }
  return spans;
}

/** Splits a benchTurns history into turns of `perTurn` activities each. */
export function turnBreakdowns(events: HistoryEvent[], perTurn: number): TurnBreakdown[] {
  const spans = activitySpans(events);
  const turns: TurnBreakdown[] = [];
  // the last turn has no next activity to close its workflow task, so it is left out
  for (let i = 0; i + perTurn < spans.length; i += perTurn) {
    const own = spans.slice(i, i + perTurn);
    const next = spans[i + perTurn];
    let workflowTask = 0;
    own.forEach((s, k) => {
      const following = k + 1 < own.length ? own[k + 1] : next;
      workflowTask += following.scheduled - s.completed;
    });
    turns.push({
      scheduleToStart: own.reduce((sum, s) => sum + s.started - s.scheduled, 0),
      run: own.reduce((sum, s) => sum + s.completed - s.started, 0),
      runs: own.map((s) => s.completed - s.started),
      workflowTask,
      inputBytes: own.reduce((sum, s) => sum + s.inputBytes, 0),
      resultBytes: own.reduce((sum, s) => sum + s.resultBytes, 0),
    });
  }
  return turns;
}

/** Each workflow task's dispatch (scheduled -> started) and run on the worker (started -> completed), ms. */
export function workflowTaskSpans(events: HistoryEvent[]): { dispatch: number; run: number }[] {
  const spans: { dispatch: number; run: number }[] = [];
  let scheduled = 0;
  let started = 0;
  for (const e of events) {
    const at = tsToMs(e.eventTime);
    if (e.workflowTaskScheduledEventAttributes) scheduled = at;
    else if (e.workflowTaskStartedEventAttributes) started = at;
    else if (e.workflowTaskCompletedEventAttributes) spans.push({ dispatch: started - scheduled, run: at - started });
  }
  return spans;
}
