import { z } from 'zod';

/**
 * How a new checkpoint reaches the policy server (trainer/swe_rl_trainer/serving/publish_routes.py):
 * `load` asks the server itself (the project's CPU server), `restart` asks a restart supervisor at
 * `publishUrl` to restart the server on it (vLLM as it is), `reload` uses vLLM's weight-reload
 * endpoints in place.
 */
export const publishRouteSchema = z.enum(['load', 'restart', 'reload']);
export type PublishRoute = z.infer<typeof publishRouteSchema>;

/** The fields a publish_checkpoint request carries for the route; none for the default `load`. */
export function publishRouteFields(server: { publishRoute?: PublishRoute; publishUrl?: string }): { route?: PublishRoute; publish_url?: string } {
  const route = server.publishRoute ?? 'load';
  if (route === 'load' && !server.publishUrl) return {};
  return { route, ...(server.publishUrl ? { publish_url: server.publishUrl } : {}) };
}
