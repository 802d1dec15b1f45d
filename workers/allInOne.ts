import { orchestratorWorker, policyWorker, sandboxHostWorker, sandboxWorker } from './definitions';
import { main } from './run';
import { startSandboxReaper } from './sandboxReaper';

/** Every TypeScript task queue in one process, for a laptop. The Python trainer runs beside it. */
main('all-in-one', [orchestratorWorker, sandboxWorker, sandboxHostWorker, policyWorker], [startSandboxReaper]);
