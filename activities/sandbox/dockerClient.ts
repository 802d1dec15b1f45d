import Docker from 'dockerode';

let client: Docker | undefined;

/** One dockerode client per process; DOCKER_HOST and friends are honoured by dockerode itself. */
export function docker(): Docker {
  client ??= new Docker();
  return client;
}

export function isDockerStatus(err: unknown, status: number): boolean {
  return typeof err === 'object' && err !== null && (err as { statusCode?: number }).statusCode === status;
}

export const SANDBOX_LABEL = 'swe-rl.sandbox';
export const RUN_LABEL = 'swe-rl.run';
export const EPISODE_LABEL = 'swe-rl.episode';
/** `workflow` for sandboxes made by activities; `pid:<n>` for those made by a CLI process directly. */
export const OWNER_LABEL = 'swe-rl.owner';
/** `episode` (counts against the host's slots), `grading` or `command`. */
export const KIND_LABEL = 'swe-rl.kind';
/** The Temporal run id of the owning workflow: a reset or restarted workflow does not own its old sandboxes. */
export const WORKFLOW_RUN_LABEL = 'swe-rl.workflow-run';
/** The sandbox host (SWE_RL_SANDBOX_HOST) whose worker created the container. */
export const HOST_LABEL = 'swe-rl.host';
