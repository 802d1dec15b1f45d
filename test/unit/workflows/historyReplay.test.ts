import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker, bundleWorkflowCode } from '@temporalio/worker';
import * as workflows from '../../../workflows';

// Safe upgrades: histories recorded from real runs (`swe-rl record-histories`) replay against the
// current workflow code, so a change that would stop running workflows with a non-determinism
// error fails CI instead. Such a change needs `patched()` (docs/upgrades.md).
jest.setTimeout(180_000);

const DIR = path.resolve(__dirname, '..', '..', 'fixtures', 'histories');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
const load = (file: string) => JSON.parse(readFileSync(path.join(DIR, file), 'utf8'));

describe('recorded workflow histories replay against the current code', () => {
  let workflowBundle: { code: string };

  beforeAll(async () => {
    workflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../../workflows'), logger: { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined } });
  });

  it('holds a history of every workflow type the workers register', () => {
    // <type>.json, and <type>.<label>.json for histories kept from before a patch.
    expect([...new Set(files.map((f) => f.split('.')[0]))].sort()).toEqual(Object.keys(workflows).sort());
  });

  it.each(files)('%s', async (file) => {
    await Worker.runReplayHistory({ workflowBundle }, historyFromJSON(load(file)));
  });

  it('fails a history whose commands the code no longer issues (what an unversioned change does)', async () => {
    const history = load('episode.json') as { events: { eventType: string; activityTaskScheduledEventAttributes?: { activityType: { name: string } } }[] };
    const scheduled = history.events.find((e) => e.eventType === 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED');
    expect(scheduled).toBeDefined();
    scheduled!.activityTaskScheduledEventAttributes!.activityType.name = 'renamedActivity';
    await expect(Worker.runReplayHistory({ workflowBundle }, historyFromJSON(history))).rejects.toBeInstanceOf(DeterminismViolationError);
  });
});
