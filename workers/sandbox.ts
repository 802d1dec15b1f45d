import { sandboxWorker } from './definitions';
import { main } from './run';

main('sandbox', [sandboxWorker]);
