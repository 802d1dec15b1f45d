import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { claimRunFolder } from '../../activities/store/runClaim';
import { readTaskStats, recordTaskStats } from '../../activities/store/runState';
import { curriculumFilter } from '../../core/rl/curriculum';

// The per-task statistics the curriculum filter reads between stages (plain files, no services).
describe('task statistics and the run folder claim', () => {
  const runsDir = mkdtempSync(path.join(os.tmpdir(), 'swe-rl-state-'));

  it('counts attempts per task once per iteration and feeds the curriculum filter', async () => {
    const outcomes = [
      { instanceId: 'easy', solved: true }, { instanceId: 'easy', solved: true }, { instanceId: 'easy', solved: false },
      { instanceId: 'hard', solved: false }, { instanceId: 'hard', solved: false },
      { instanceId: 'mid', solved: true }, { instanceId: 'mid', solved: false }, { instanceId: 'mid', solved: false },
    ];
    await recordTaskStats({ runsDir, runId: 'r', iterationKey: 'it-0001', outcomes });
    await recordTaskStats({ runsDir, runId: 'r', iterationKey: 'it-0001', outcomes }); // a retried activity
    const stats = await readTaskStats({ runsDir, runId: 'r' });
    expect(stats).toEqual({ easy: { attempts: 3, solved: 2 }, hard: { attempts: 2, solved: 0 }, mid: { attempts: 3, solved: 1 } });
    expect(curriculumFilter(['easy', 'hard', 'mid', 'unseen'], stats).kept).toEqual(['mid', 'unseen']);
  });

  it('lets one run own its folder and refuses another', async () => {
    await claimRunFolder({ runsDir, runId: 'owned', owner: 'run-a' });
    await expect(claimRunFolder({ runsDir, runId: 'owned', owner: 'run-a' })).resolves.toEqual({ owner: 'run-a' });
    await expect(claimRunFolder({ runsDir, runId: 'owned', owner: 'run-b' })).rejects.toThrow(/already belongs to an earlier run/);
  });
});
