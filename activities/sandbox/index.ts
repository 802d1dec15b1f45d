export { createSandbox, destroySandbox, execInSandbox, listSandboxes, readGitDiff } from './sandboxActivities';
