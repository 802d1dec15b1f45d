import { temporal } from '@temporalio/proto';
import { medianParts, turnOverheadPartsMs, turnOverheadsMs } from '../../../bench/iteration/historyFigures';

const T = temporal.api.enums.v1.EventType;
type Event = temporal.api.history.v1.IHistoryEvent;
const at = (msTime: number) => ({ seconds: Math.floor(msTime / 1000), nanos: (msTime % 1000) * 1e6 });

/** An episode's history in miniature: setup, then one turn (policyTurn, sandboxTurn), each activity scheduled by a workflow task. */
function history(): Event[] {
  const events: Event[] = [];
  // Plain numbers, converted as a decoded history holds them (Long ids and timestamps).
  const add = (eventType: temporal.api.enums.v1.EventType, t: number, attrs: Record<string, unknown> = {}) => {
    const eventId = events.length + 1;
    events.push(temporal.api.history.v1.HistoryEvent.fromObject({ eventId, eventType, eventTime: at(t), ...attrs }));
    return eventId;
  };
  const workflowTask = (scheduled: number, started: number, completed: number) => {
    const s = add(T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, scheduled);
    const st = add(T.EVENT_TYPE_WORKFLOW_TASK_STARTED, started);
    return add(T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, completed, { workflowTaskCompletedEventAttributes: { scheduledEventId: s, startedEventId: st } });
  };
  const activity = (name: string, byTask: number, scheduled: number, started: number, completed: number) => {
    const id = add(T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, scheduled, { activityTaskScheduledEventAttributes: { activityType: { name }, workflowTaskCompletedEventId: byTask } });
    add(T.EVENT_TYPE_ACTIVITY_TASK_STARTED, started, { activityTaskStartedEventAttributes: { scheduledEventId: id } });
    add(T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, completed, { activityTaskCompletedEventAttributes: { scheduledEventId: id } });
  };
  add(T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, 0);
  activity('setupEpisodeSandbox', workflowTask(0, 0, 0), 0, 1, 50);
  activity('policyTurn', workflowTask(51, 53, 60), 60, 63, 100);
  activity('sandboxTurn', workflowTask(100, 104, 114), 115, 117, 300);
  return events;
}

describe('turn overhead from a history', () => {
  it('is the time outside the turn activities: gaps between them plus their time on the queue', () => {
    // policyTurn: (60 - 50) + (63 - 60) = 13; sandboxTurn: (115 - 100) + (117 - 115) = 17.
    expect(turnOverheadsMs(history())).toEqual([30]);
  });

  it('splits into activity queue, workflow task queue, workflow task on the worker and the rest, which add up', () => {
    const [parts] = turnOverheadPartsMs(history());
    expect(parts).toEqual({ activityQueue: 3 + 2, workflowTaskQueue: 2 + 4, workflowTaskOnWorker: 7 + 10, other: 1 + 1 });
    expect(parts.activityQueue + parts.workflowTaskQueue + parts.workflowTaskOnWorker + parts.other).toBe(turnOverheadsMs(history())[0]);
  });

  it('takes the median of each part over turns', () => {
    const p = (n: number) => ({ activityQueue: n, workflowTaskQueue: 2 * n, workflowTaskOnWorker: 3 * n, other: 0 });
    expect(medianParts([p(1), p(5), p(3)])).toEqual(p(3));
  });
});
