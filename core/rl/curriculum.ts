export interface TaskStats {
  attempts: number;
  solved: number;
}

/**
 * The paper's filter between stages: drop tasks solved in at least `tooEasy` (2/3) of their
 * attempts and tasks never solved; tasks without attempts stay.
 */
export function curriculumFilter(taskIds: string[], stats: Record<string, TaskStats>, tooEasy = 2 / 3): { kept: string[]; tooEasy: string[]; neverSolved: string[] } {
  const kept: string[] = [];
  const easy: string[] = [];
  const never: string[] = [];
  for (const id of taskIds) {
    const s = stats[id];
    if (!s || s.attempts === 0) kept.push(id);
    else if (s.solved === 0) never.push(id);
    else if (s.solved / s.attempts >= tooEasy) easy.push(id);
    else kept.push(id);
  }
  return { kept, tooEasy: easy, neverSolved: never };
}
