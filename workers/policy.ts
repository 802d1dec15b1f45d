import { policyWorker } from './definitions';
import { main } from './run';

main('policy', [policyWorker]);
