import { Client, Connection } from '@temporalio/client';
import Docker from 'dockerode';

export const TEMPORAL_ADDRESS = process.env.TEMPORAL_ADDRESS ?? 'localhost:7233';
export const WEB_UI = `http://localhost:${process.env.TEMPORAL_UI_PORT ?? 8233}`;

/** Connects to the real dev server, failing with a clear message when it is not running. */
export async function connectTestClient(): Promise<Client> {
  try {
    const connection = await Connection.connect({ address: TEMPORAL_ADDRESS, connectTimeout: '5s' });
    return new Client({ connection, namespace: 'default' });
  } catch (err) {
    throw new Error(
      `integration tests need the Temporal dev server on ${TEMPORAL_ADDRESS} (run infra/test.sh, or bin/swe-rl up --no-workers): ${String(err)}`,
    );
  }
}

export async function requireDocker(): Promise<Docker> {
  const docker = new Docker();
  try {
    await docker.ping();
  } catch (err) {
    throw new Error(`integration tests need a Docker engine (run infra/test.sh, or bin/swe-rl up --no-workers): ${String(err)}`);
  }
  return docker;
}

export async function containerExists(docker: Docker, name: string): Promise<boolean> {
  try {
    await docker.getContainer(name).inspect();
    return true;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return false;
    throw err;
  }
}
