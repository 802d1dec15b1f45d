export { createSandbox, destroySandbox, execInSandbox, listSandboxes } from './sandboxActivities';
export { readSubmission, runAgentCommand, setupEpisodeSandbox } from './agentSandbox';
export { gradeEpisode, sandboxTurn, storeSubmission } from './episodeActivities';
export { gradePatch } from './grading';
