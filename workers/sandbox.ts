import { sandboxWorker } from './definitions';
import { main } from './run';
import { startSandboxReaper } from './sandboxReaper';

main('sandbox', [sandboxWorker], [startSandboxReaper]);
