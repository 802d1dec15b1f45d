import { sandboxHostWorker, sandboxWorker } from './definitions';
import { main } from './run';
import { startSandboxReaper } from './sandboxReaper';

/** One per Docker host: the shared sandbox queue, this host's own queue, and the orphan reaper. */
main('sandbox', [sandboxWorker, sandboxHostWorker], [startSandboxReaper]);
