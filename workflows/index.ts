export { sandboxCommand } from './sandboxCommand';
export { trainerInfo } from './trainerInfo';
