import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';

export const RUN_ATTRIBUTE = defineSearchAttributeKey('SweRlRun', SearchAttributeType.KEYWORD);
export const STAGE_ATTRIBUTE = defineSearchAttributeKey('SweRlStage', SearchAttributeType.KEYWORD);
export const ITERATION_ATTRIBUTE = defineSearchAttributeKey('SweRlIteration', SearchAttributeType.INT);
export const KIND_ATTRIBUTE = defineSearchAttributeKey('SweRlKind', SearchAttributeType.KEYWORD);

/** Search attributes that let the Web UI filter by run, stage, iteration and kind. */
export function searchAttributes(runId: string, stage: string, iteration: number, kind: string): SearchAttributePair[] {
  return [
    { key: RUN_ATTRIBUTE, value: runId },
    { key: STAGE_ATTRIBUTE, value: stage },
    { key: ITERATION_ATTRIBUTE, value: iteration },
    { key: KIND_ATTRIBUTE, value: kind },
  ];
}
