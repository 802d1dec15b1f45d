/** The run config `eval` and `schedule-eval` read when given no --config. */
export const DEFAULT_CONFIG = 'configs/local.yaml';
