import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import { workflowInfo } from '@temporalio/workflow';
import type { RunPlace } from '../core/summaries';

export const RUN_ATTRIBUTE = defineSearchAttributeKey('SweRlRun', SearchAttributeType.KEYWORD);
export const STAGE_ATTRIBUTE = defineSearchAttributeKey('SweRlStage', SearchAttributeType.KEYWORD);
export const ITERATION_ATTRIBUTE = defineSearchAttributeKey('SweRlIteration', SearchAttributeType.INT);
export const KIND_ATTRIBUTE = defineSearchAttributeKey('SweRlKind', SearchAttributeType.KEYWORD);
/** The task id, on task groups and episodes. */
export const TASK_ATTRIBUTE = defineSearchAttributeKey('SweRlTask', SearchAttributeType.KEYWORD);
/** How an episode ended (core/episodeOutcome.ts), upserted when it ends. */
export const OUTCOME_ATTRIBUTE = defineSearchAttributeKey('SweRlOutcome', SearchAttributeType.KEYWORD);

/** Search attributes that let the Web UI filter by run, stage, iteration and kind (and task). */
export function searchAttributes(runId: string, stage: string, iteration: number, kind: string, task?: string): SearchAttributePair[] {
  return [
    { key: RUN_ATTRIBUTE, value: runId },
    { key: STAGE_ATTRIBUTE, value: stage },
    { key: ITERATION_ATTRIBUTE, value: iteration },
    { key: KIND_ATTRIBUTE, value: kind },
    ...(task === undefined ? [] : [{ key: TASK_ATTRIBUTE, value: task }]),
  ];
}

/** The stage and iteration this workflow was started with (absent when started without them). */
export function ownRunPlace(): RunPlace {
  const own = workflowInfo().typedSearchAttributes;
  const stage = own.get(STAGE_ATTRIBUTE);
  const iteration = own.get(ITERATION_ATTRIBUTE);
  return { ...(stage === undefined ? {} : { stage }), ...(iteration === undefined ? {} : { iteration }) };
}

/**
 * A child's search attributes: this workflow's run, stage and iteration with the child's kind
 * (and task). Without a stage or iteration of its own (started by hand) the child gets the run and
 * kind only.
 */
export function childSearchAttributes(runId: string, kind: string, task?: string): SearchAttributePair[] {
  const { stage, iteration } = ownRunPlace();
  if (stage === undefined || iteration === undefined) {
    return [{ key: RUN_ATTRIBUTE, value: runId }, { key: KIND_ATTRIBUTE, value: kind }, ...(task === undefined ? [] : [{ key: TASK_ATTRIBUTE, value: task }])];
  }
  return searchAttributes(runId, stage, iteration, kind, task);
}

/** The stage and iteration among search attributes a parent gives its child. */
export function placeOf(pairs: SearchAttributePair[] | undefined): RunPlace {
  const stage = pairs?.find((p) => p.key.name === STAGE_ATTRIBUTE.name)?.value;
  const iteration = pairs?.find((p) => p.key.name === ITERATION_ATTRIBUTE.name)?.value;
  return { ...(typeof stage === 'string' ? { stage } : {}), ...(typeof iteration === 'number' ? { iteration } : {}) };
}
