export { chatCompletion } from './chatCompletion';
export { loadPolicy } from './loadPolicy';
export { policyTurn } from './policyTurn';
export { checkPolicyServer } from './serverHealth';
