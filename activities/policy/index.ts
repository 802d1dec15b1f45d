export { chatCompletion } from './chatCompletion';
export { policyTurn } from './policyTurn';
export { checkPolicyServer } from './serverHealth';
