export { recordIterationMetrics } from './recordMetrics';
