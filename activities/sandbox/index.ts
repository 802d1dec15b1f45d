export { createSandbox, destroySandbox, execInSandbox, listSandboxes } from './sandboxActivities';
