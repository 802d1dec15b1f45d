export { chatCompletion } from './chatCompletion';
export { checkPolicyServer } from './serverHealth';
