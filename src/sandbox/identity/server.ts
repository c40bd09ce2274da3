/** A standalone server for the identity stand-ins alone (tests that need no Connect sandbox). */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createIdentityService, type IdentityService } from './service';
import type { IdentityOptions } from './types';
import { newRequestId, send } from './wire';

export interface IdentityServer {
  /** `http://127.0.0.1:PORT`, for AWS_ENDPOINT_URL_STS and AWS_ENDPOINT_URL_SSO. */
  url: string;
  port: number;
  service: IdentityService;
  close(): Promise<void>;
}

export async function startIdentityServer(options: IdentityOptions & { port?: number } = {}): Promise<IdentityServer> {
  const service = createIdentityService(options);
  const server = createServer((req, res) => {
    if (service.handle(req, res)) return;
    req.resume();
    const requestId = newRequestId();
    send(res, 404, 'application/json', JSON.stringify({ message: `No route for ${req.method} ${req.url}` }), requestId, {
      'x-amzn-ErrorType': 'UnknownOperationException',
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    service,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
