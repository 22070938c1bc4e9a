/**
 * `/__mock/` admin endpoints: control the mock over HTTP (reset, clock, faults, request log).
 * They exist only in the mock and need no API key. Bodies and answers are snake_case.
 */
import { http, type RequestHandler } from 'msw';
import { errorResponse, GatewayError, newRequestId } from './errors.js';
import type { FaultSpec } from './faults.js';
import type { MockGateway } from './gateway.js';

async function readJson(request: Request): Promise<Record<string, unknown>> {
  const text = await request.text();
  if (text.trim() === '') return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new GatewayError(400, 'VALIDATION_ERROR', 'body: invalid JSON', { field: 'body' });
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new GatewayError(400, 'VALIDATION_ERROR', 'body: must be a JSON object', { field: 'body' });
  }
  return body as Record<string, unknown>;
}

const guard =
  (fn: (request: Request, params: Record<string, unknown>) => Promise<Response> | Response) =>
  async ({ request, params }: { request: Request; params: Record<string, unknown> }) => {
    try {
      return await fn(request, params);
    } catch (error) {
      if (error instanceof GatewayError) return errorResponse(error, newRequestId());
      const message = error instanceof Error ? error.message : String(error);
      return errorResponse(
        new GatewayError(500, 'INTERNAL_ERROR', `internal error: ${message}`),
        newRequestId(),
      );
    }
  };

const FAULT_FIELDS = [
  'operation',
  'kind',
  'latency_ms',
  'status',
  'retry_after',
  'times',
  'fraction',
  'seed',
];

export function faultFromWire(body: Record<string, unknown>): FaultSpec {
  const unknown = Object.keys(body).find((key) => !FAULT_FIELDS.includes(key));
  if (unknown)
    throw new GatewayError(400, 'VALIDATION_ERROR', `${unknown}: unknown field`, { field: unknown });
  // `faults.add` checks every field and accepts the snake_case spellings.
  return { ...body, operation: body.operation ?? '*' } as unknown as FaultSpec;
}

export function adminHandlers(gateway: MockGateway, prefix: string): RequestHandler[] {
  const at = (path: string) => `${prefix}/__mock${path}`;
  const noContent = () => new Response(null, { status: 204 });
  return [
    http.post(
      at('/reset'),
      guard(() => {
        gateway.reset();
        return noContent();
      }),
    ),
    http.get(
      at('/clock'),
      guard(() => Response.json({ now: gateway.clock.iso() })),
    ),
    http.post(
      at('/clock'),
      guard(async (request) => {
        const body = await readJson(request);
        const advance = body.advance_ms;
        if (typeof advance !== 'number' || !Number.isFinite(advance) || advance < 0) {
          throw new GatewayError(400, 'VALIDATION_ERROR', 'advance_ms: must be a number >= 0', {
            field: 'advance_ms',
          });
        }
        gateway.clock.advance(advance);
        return Response.json({ now: gateway.clock.iso() });
      }),
    ),
    http.get(
      at('/faults'),
      guard(() =>
        Response.json(
          gateway.faults.list().map((f) => ({
            id: f.id,
            operation: f.operation,
            kind: f.kind,
            latency_ms: f.latencyMs,
            status: f.status,
            retry_after: f.retryAfter,
            times: f.times,
            fraction: f.fraction,
            seed: f.seed,
            hits: f.hits,
          })),
        ),
      ),
    ),
    http.post(
      at('/faults'),
      guard(async (request) => {
        const spec = faultFromWire(await readJson(request));
        try {
          const fault = gateway.faults.add(spec);
          return Response.json({ id: fault.id }, { status: 201 });
        } catch (error) {
          const field = (error as { field?: string }).field ?? 'body';
          throw new GatewayError(400, 'VALIDATION_ERROR', (error as Error).message, { field });
        }
      }),
    ),
    http.delete(
      at('/faults'),
      guard(() => {
        gateway.faults.clear();
        return noContent();
      }),
    ),
    http.delete(
      at('/faults/:id'),
      guard((_, params) => {
        const id = String(params.id);
        if (!gateway.faults.remove(id))
          throw new GatewayError(404, 'NOT_FOUND', `fault ${id} not found`, { id });
        return noContent();
      }),
    ),
    http.get(
      at('/requests'),
      guard(() =>
        Response.json(
          gateway.requests.map((r) => ({
            method: r.method,
            path: r.path,
            operation_id: r.operationId,
            headers: r.headers,
            body: r.body,
            at: r.at,
          })),
        ),
      ),
    ),
    http.delete(
      at('/requests'),
      guard(() => {
        gateway.requests.length = 0;
        return noContent();
      }),
    ),
    // The real gateway has no suspend/activate or session-mode calls; the policy still knows
    // suspended agents and supervised or restricted sessions, so tests reach them through here.
    http.post(
      at('/agents/:id/status'),
      guard(async (request, params) => {
        const body = await readJson(request);
        const agent = gateway.state.agents.get(String(params.id));
        if (!agent) throw new GatewayError(404, 'NOT_FOUND', `agent ${String(params.id)} not found`);
        if (body.status !== 'active' && body.status !== 'suspended')
          throw new GatewayError(400, 'VALIDATION_ERROR', 'status: must be active or suspended', {
            field: 'status',
          });
        if (agent.status === 'revoked')
          throw new GatewayError(409, 'AGENT_REVOKED', `agent ${agent.id} is revoked`, {
            status: agent.status,
          });
        agent.status = body.status;
        return Response.json({ id: agent.id, status: agent.status });
      }),
    ),
    http.post(
      at('/sessions/:id'),
      guard(async (request, params) => {
        const body = await readJson(request);
        const session = gateway.state.sessions.get(String(params.id));
        if (!session) throw new GatewayError(404, 'NOT_FOUND', `session ${String(params.id)} not found`);
        if (body.mode !== undefined) {
          if (body.mode !== 'open' && body.mode !== 'restricted' && body.mode !== 'supervised')
            throw new GatewayError(400, 'VALIDATION_ERROR', 'mode: must be open, restricted or supervised', {
              field: 'mode',
            });
          session.mode = body.mode;
        }
        if (body.scope_ceiling !== undefined) {
          if (!Array.isArray(body.scope_ceiling) || body.scope_ceiling.some((s) => typeof s !== 'string'))
            throw new GatewayError(400, 'VALIDATION_ERROR', 'scope_ceiling: must be a list of strings', {
              field: 'scope_ceiling',
            });
          session.scope_ceiling = [...(body.scope_ceiling as string[])];
        }
        return Response.json({
          session_id: session.session_id,
          mode: session.mode,
          scope_ceiling: session.scope_ceiling,
        });
      }),
    ),
    http.all(
      at('/*'),
      guard((request) => {
        throw new GatewayError(
          404,
          'NOT_FOUND',
          `no admin route ${request.method} ${new URL(request.url).pathname}`,
        );
      }),
    ),
  ];
}
