export { createSandbox, destroySandbox, execInSandbox, listSandboxes } from './sandboxActivities';
export { readSubmission, runAgentCommand, setupEpisodeSandbox } from './agentSandbox';
export { gradePatch } from './grading';
