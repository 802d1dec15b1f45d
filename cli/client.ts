import { Client, Connection } from '@temporalio/client';
import { temporalNamespace } from './webUi';

export async function connectClient(): Promise<Client> {
  const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? 'localhost:7233' });
  return new Client({ connection, namespace: temporalNamespace() });
}
