import Docker from 'dockerode';

let client: Docker | undefined;

/**
 * How long an API call may wait for the engine's complete answer (the headers, for a streamed or
 * attached answer): SWE_RL_DOCKER_API_TIMEOUT_SECONDS, default 300.
 */
export function dockerApiTimeoutMs(): number {
  const seconds = Number(process.env.SWE_RL_DOCKER_API_TIMEOUT_SECONDS ?? 300);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`SWE_RL_DOCKER_API_TIMEOUT_SECONDS must be a positive number, got ${process.env.SWE_RL_DOCKER_API_TIMEOUT_SECONDS}`);
  return seconds * 1000;
}

type Dial = (options: { method?: string; path?: string }, callback: (err: unknown, data?: unknown) => void) => unknown;

/**
 * A call whose answer an engine cut off mid-way (it stopped or restarted while answering) never
 * settles in docker-modem: Node drops the aborted response silently. The activity then hangs,
 * heartbeating, until its start-to-close timeout, and calls queued behind it (the slot lock) with
 * it. Every call gets a deadline instead and fails as an engine error the activity retries.
 */
function withDeadline(docker: Docker, timeoutMs: number): Docker {
  const modem = docker.modem as unknown as { dial: Dial };
  const dial = modem.dial.bind(modem);
  modem.dial = (options, callback) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      callback(new Error(`Docker engine gave no complete answer to ${options.method ?? 'GET'} ${options.path ?? ''} within ${timeoutMs / 1000}s (ECONNRESET)`));
    }, timeoutMs);
    return dial(options, (err, data) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      callback(err, data);
    });
  };
  return docker;
}

/** One dockerode client per process; DOCKER_HOST and friends are honoured by dockerode itself. */
export function docker(): Docker {
  client ??= withDeadline(new Docker(), dockerApiTimeoutMs());
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
