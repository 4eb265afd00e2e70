import { createServer, type IncomingMessage } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { LOCALHOST, type Running } from './emulators';

/**
 * The local stand-in for API Gateway's HTTP API: node:http on 127.0.0.1 turns each
 * request into a payload-2.0 event and hands it to the very handler AWS would call.
 */

export type HttpHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * A Lambda request is at most 6 MB, and API Gateway hands a file upload over in base64 (a third
 * larger), so 4.5 MB is the largest upload that reaches a function in AWS. A list's CSV of 50,000
 * members is about 3 MB; every other form is a few hundred bytes.
 */
export const MAX_BODY_BYTES = 4.5 * 1024 * 1024;

/** As API Gateway does: text bodies as they are, anything else (a multipart upload) in base64. */
const isText = (contentType: string | undefined) => !contentType || /^(text\/|application\/(x-www-form-urlencoded|json))/i.test(contentType);

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw Object.assign(new Error('body too large'), { statusCode: 413 });
    chunks.push(chunk as Buffer);
  }
  return chunks.length ? Buffer.concat(chunks) : undefined;
}

/**
 * API Gateway puts the caller's address in sourceIp. Locally every caller is 127.0.0.1,
 * so a loopback caller may name another with X-Forwarded-For, as a proxy in front would;
 * tests use it to act as several clients. It is never trusted from another host.
 */
function clientAddress(request: IncomingMessage): string {
  const socketAddress = request.socket.remoteAddress ?? '127.0.0.1';
  const forwarded = request.headers['x-forwarded-for'];
  const loopback = /^(127\.|::1$|::ffff:127\.)/.test(socketAddress);
  return loopback && typeof forwarded === 'string' && forwarded.trim() ? forwarded.split(',')[0]!.trim() : socketAddress;
}

export function toApiGatewayEvent(request: IncomingMessage, raw: Buffer | undefined): APIGatewayProxyEventV2 {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const headers = Object.fromEntries(Object.entries(request.headers).map(([key, value]) => [key, Array.isArray(value) ? value.join(',') : (value ?? '')]));
  // API Gateway's payload 2.0 hands cookies over in `cookies`, not as a header.
  const cookies = headers.cookie ? headers.cookie.split(/;\s*/).filter(Boolean) : undefined;
  delete headers.cookie;
  const now = new Date();
  const base64 = raw !== undefined && !isText(headers['content-type']);
  const body = raw === undefined ? undefined : raw.toString(base64 ? 'base64' : 'utf8');
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    ...(cookies ? { cookies } : {}),
    queryStringParameters: url.search ? Object.fromEntries(url.searchParams) : undefined,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: clientAddress(request),
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: `local-${now.getTime()}`,
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body,
    isBase64Encoded: base64,
  };
}

export async function startHttpServer(handler: HttpHandler, port: number): Promise<Running> {
  const server = createServer((request, response) => {
    void (async () => {
      try {
        const result = await handler(toApiGatewayEvent(request, await readBody(request)));
        // As API Gateway does: each of the result's `cookies` becomes a Set-Cookie header.
        const headers: Record<string, string | string[]> = { ...(result.headers as Record<string, string>) };
        if (result.cookies?.length) headers['set-cookie'] = result.cookies;
        response.writeHead(result.statusCode ?? 200, headers);
        response.end(result.body ?? '');
      } catch (error) {
        const status = (error as { statusCode?: number }).statusCode ?? 500;
        response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
        response.end(status === 413 ? 'Request too large.' : 'Something went wrong. Please try again.');
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, LOCALHOST, () => resolve());
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://localhost:${actualPort}`,
    port: actualPort,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
