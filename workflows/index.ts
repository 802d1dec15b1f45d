export { episode } from './episode';
export { sandboxCommand } from './sandboxCommand';
export { taskGroup } from './taskGroup';
export { trainerInfo } from './trainerInfo';
export { trainStep } from './trainStep';
