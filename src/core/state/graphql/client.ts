import type { z } from 'zod';

/**
 * One GraphQL request to a Dagster webserver (`dagster dev`, §8) or to Dagster+: POST of
 * `{query, variables}` as JSON, a deadline that covers the whole answer, and every failure turned
 * into a `GraphqlError` whose message tells a user what to do. The API token travels only in its
 * header: no message, URL or log line ever holds it.
 */

export type GraphqlErrorKind = 'timeout' | 'network' | 'http' | 'auth' | 'malformed' | 'schema' | 'graphql';

export class GraphqlError extends Error {
  readonly kind: GraphqlErrorKind;
  /** The HTTP status, when the server answered with one. */
  readonly status: number | null;
  /** For 'schema': the field the server does not know, when its message names one. */
  readonly field: string | null;
  constructor(kind: GraphqlErrorKind, message: string, details: { status?: number | null; field?: string | null } = {}) {
    super(message);
    this.name = 'GraphqlError';
    this.kind = kind;
    this.status = details.status ?? null;
    this.field = details.field ?? null;
  }
}

/** Where and how to reach a webserver. */
export interface GraphqlConnection {
  /** `http://127.0.0.1:3000`, `https://<org>.dagster.cloud/<deployment>`, or either with `/graphql`. */
  url: string;
  /** A Dagster+ user token, sent as `Dagster-Cloud-Api-Token`. */
  token?: string | null;
  /** Deadline of each request, answer included. */
  timeoutMs?: number;
  /** Node's global `fetch` unless given (tests). */
  fetch?: typeof fetch;
}

export const defaultGraphqlUrl = 'http://127.0.0.1:3000/graphql';
export const defaultTimeoutMs = 30_000;
export const tokenHeader = 'Dagster-Cloud-Api-Token';

/**
 * The GraphQL endpoint for what a user typed: `dagster dev` serves it at `<root>/graphql` and
 * Dagster+ at `<deployment>/graphql`, so a URL not already ending in `/graphql` gets it appended.
 */
export function graphqlEndpoint(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new GraphqlError('network', `${JSON.stringify(url)} is not a URL; a Dagster webserver looks like ${defaultGraphqlUrl}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new GraphqlError('network', `${displayUrl(parsed.href)} is not an http(s) URL; a Dagster webserver looks like ${defaultGraphqlUrl}`);
  }
  const path = parsed.pathname.replace(/\/+$/, '');
  if (!/\/graphql$/.test(path)) parsed.pathname = `${path}/graphql`;
  else parsed.pathname = path;
  return parsed.href;
}

/** The URL as messages show it: never with credentials written into it. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.href;
  } catch {
    return url;
  }
}

/** What a request is for, in words ("the asset nodes"), used in messages. */
export interface GraphqlRequest<T> {
  document: string;
  operationName: string;
  variables: Record<string, unknown>;
  /** Validates `data`; extra fields are ignored by the schemas so later Dagster versions still read. */
  schema: z.ZodType<T, z.ZodTypeDef, unknown>;
  what: string;
}

const excerptLength = 300;

/** Servers may echo what they were sent; the token is cut out of any text a message quotes. */
function redact(text: string, token: string | null | undefined): string {
  return token ? text.split(token).join('<token>') : text;
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > excerptLength ? `${flat.slice(0, excerptLength)}…` : flat;
}

/** Sends one request and returns its validated `data`, or throws a `GraphqlError`. */
export async function graphqlRequest<T>(connection: GraphqlConnection, request: GraphqlRequest<T>): Promise<T> {
  const endpoint = graphqlEndpoint(connection.url);
  const where = displayUrl(endpoint);
  const timeoutMs = connection.timeoutMs ?? defaultTimeoutMs;
  const doFetch = connection.fetch ?? globalThis.fetch;
  const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
  if (connection.token) headers[tokenHeader] = connection.token;

  // The deadline covers the headers and the body. Aborting stops Node's fetch; the race also
  // ends the wait for an injected fetch that ignores the signal.
  const controller = new AbortController();
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
      reject(new GraphqlError('timeout', `Dagster webserver at ${where} did not answer within ${formatSeconds(timeoutMs)} (reading ${request.what})`));
    }, timeoutMs);
  });
  deadline.catch(() => undefined);
  const inTime = async <R>(work: Promise<R>): Promise<R> => {
    try {
      return await Promise.race([work, deadline]);
    } catch (error) {
      if (error instanceof GraphqlError) throw error;
      if (timedOut) return deadline;
      throw networkError(error, where);
    }
  };

  let status: number;
  let ok: boolean;
  let contentType: string;
  let body: string;
  try {
    const response = await inTime(
      // A promise even when an injected fetch throws synchronously.
      Promise.resolve().then(() => doFetch(endpoint, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query: request.document, variables: request.variables, operationName: request.operationName }),
        signal: controller.signal,
        // A redirect would carry the token header to whatever host it names; say where it points instead.
        redirect: 'manual',
      })),
    );
    status = response.status;
    ok = response.ok;
    contentType = response.headers.get('content-type') ?? '';
    if (status >= 300 && status < 400) {
      const location = response.headers.get('location');
      await response.body?.cancel().catch(() => undefined);
      let target = '';
      try {
        if (location) target = ` to ${displayUrl(new URL(location, endpoint).href)}`;
      } catch {
        // An unparsable Location adds nothing a user could use.
      }
      throw new GraphqlError('http', `${where} redirects (HTTP ${status})${target}; use the final URL of the GraphQL endpoint`, { status });
    }
    if (status === 401 || status === 403) {
      await response.body?.cancel().catch(() => undefined);
      throw authError(status, where, Boolean(connection.token));
    }
    body = redact(await inTime(response.text()), connection.token);
  } finally {
    clearTimeout(timer);
  }

  let payload: unknown;
  try {
    payload = JSON.parse(body);
  } catch {
    if (!ok) throw httpError(status, where, body);
    const kind = contentType ? ` (${contentType.split(';')[0]})` : '';
    throw new GraphqlError(
      'malformed',
      `${where} answered with something that is not JSON${kind}: not a GraphQL endpoint? A Dagster webserver serves it at <url>/graphql. The answer began: ${JSON.stringify(excerpt(body).slice(0, 120))}`,
      { status },
    );
  }

  const envelope = typeof payload === 'object' && payload !== null ? (payload as { data?: unknown; errors?: unknown }) : null;
  if (envelope && Array.isArray(envelope.errors) && envelope.errors.length > 0) throw graphqlErrors(envelope.errors, where, request.what, status, Boolean(connection.token));
  if (!ok) throw httpError(status, where, body);
  if (!envelope || envelope.data === undefined || envelope.data === null) {
    throw new GraphqlError('malformed', `${where} answered with JSON that has no GraphQL "data": not a GraphQL endpoint?`, { status });
  }
  const parsed = request.schema.safeParse(envelope.data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw new GraphqlError(
      'schema',
      `The answer of ${where} to ${request.what} does not have the expected shape${path}: ${issue?.message ?? 'invalid'}. The server's Dagster version may have a different GraphQL schema.`,
      { status },
    );
  }
  return parsed.data;
}

function formatSeconds(ms: number): string {
  return `${Math.round(ms / 10) / 100} s`;
}

/** Node's fetch reports a refused connection and its kin as `TypeError('fetch failed')` with a coded cause. */
function networkError(error: unknown, where: string): GraphqlError {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return new GraphqlError('network', `Nothing is listening at ${where} (connection refused). Is \`dagster dev\` running? It serves the UI and GraphQL on http://127.0.0.1:3000 by default.`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new GraphqlError('network', `The host of ${where} was not found (${code}). Check the URL.`);
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return new GraphqlError('network', `The connection to ${where} was closed before the answer was complete (${code}).`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new GraphqlError('network', `${where} cannot be reached from this machine (${code}).`);
    default: {
      const detail = typeof cause?.message === 'string' ? cause.message : error instanceof Error ? error.message : String(error);
      return new GraphqlError('network', `Could not reach ${where}: ${detail}${typeof code === 'string' ? ` (${code})` : ''}`);
    }
  }
}

function authError(status: number, where: string, withToken: boolean): GraphqlError {
  const http = status === 401 || status === 403 ? ` (HTTP ${status})` : '';
  return withToken
    ? new GraphqlError('auth', `${where} rejected the API token${http}: token rejected. Use a Dagster+ user token with access to this deployment.`, { status })
    : new GraphqlError('auth', `${where} requires authentication${http}. Dagster+ needs a user token, sent as the ${tokenHeader} header.`, { status });
}

function httpError(status: number, where: string, body: string): GraphqlError {
  const hint = status === 404 ? ' Not a GraphQL endpoint? A Dagster webserver serves it at <url>/graphql.' : '';
  const text = excerpt(body);
  return new GraphqlError('http', `${where} answered HTTP ${status}${text ? `: ${text}` : ''}.${hint}`, { status });
}

/**
 * A server of another Dagster version rejects fields it does not have with graphql-core's
 * validation message `Cannot query field 'x' on type 'Y'.` (quotes differ by library): that is a
 * schema mismatch, not a failure of the instance.
 */
const schemaMessage = /Cannot query field ["'“]?([^"'”\s]+)["'”]? on type ["'“]?([^"'”\s.]+)|Unknown argument ["'“]?([^"'”\s]+)["'”]? on field ["'“]?([^"'”\s]+)|Unknown type ["'“]?([^"'”\s.]+)/;

/** Some deployments refuse a token in a 200 answer's error list rather than with HTTP 401. */
const authMessage = /\b(unauthori[sz]ed|not authorized|authentication (failed|required)|invalid (api )?token)\b/i;

function graphqlErrors(errors: unknown[], where: string, what: string, status: number, withToken: boolean): GraphqlError {
  const messages = errors.map((error) => {
    const message = (error as { message?: unknown } | null)?.message;
    return typeof message === 'string' ? message : JSON.stringify(error);
  });
  const refused = messages.find((message) => authMessage.test(message));
  if (refused !== undefined) {
    const auth = authError(status, where, withToken);
    return new GraphqlError('auth', `${auth.message} The server said: ${excerpt(refused)}`, { status });
  }
  for (const message of messages) {
    const match = schemaMessage.exec(message);
    if (!match) continue;
    const field = match[1] ? `${match[2]}.${match[1]}` : match[3] ? `${match[4]}(${match[3]})` : (match[5] ?? null);
    return new GraphqlError(
      'schema',
      `The Dagster version at ${where} has a different GraphQL schema: it does not know ${field} (${message.trim()}). Reading ${what} needs a Dagster version whose schema has it.`,
      { status, field },
    );
  }
  const shown = messages.slice(0, 3).map((message) => excerpt(message)).join('; ');
  const more = messages.length > 3 ? ` (and ${messages.length - 3} more)` : '';
  return new GraphqlError('graphql', `${where} could not answer ${what}: ${shown}${more}`, { status });
}
