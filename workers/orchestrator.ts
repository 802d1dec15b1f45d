import { orchestratorWorker } from './definitions';
import { main } from './run';

main('orchestrator', [orchestratorWorker]);
