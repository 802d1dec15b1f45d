export { writeTrainingBatch } from './batchActivities';
export { taskIdWindow, writeRftBatches, writeWindowRefs } from './rftWindowFiles';
export { finishEpisode, initEpisode } from './episodeActivities';
export { readTaskStats, recordEvaluation, recordTaskStats } from './runState';
export { listTaskIds, loadTask } from './taskFiles';
export { stageTask } from './stagedTasks';
export { latestCheckpoint } from './checkpoints';
export { claimRunFolder } from './runClaim';
export { writeResolvedConfig } from './resolvedConfig';
