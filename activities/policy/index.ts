export { checkPolicyServer } from './serverHealth';
