import { CheckActionBody, IngestTelemetryBody } from '@agenttrustid/spec/zod';
import { defineOp, json } from '../operation.js';
import { pushBounded } from '../state.js';
import { nextSeq } from './common.js';
import { decide } from './guardian.js';

export const actionOps = [
  defineOp({
    operationId: 'checkAction',
    method: 'POST',
    path: '/v1/actions/check',
    body: CheckActionBody,
    bodyRequired: true,
    handle: (ctx) => json(200, decide(ctx, ctx.body)),
  }),
  defineOp({
    operationId: 'ingestTelemetry',
    method: 'POST',
    path: '/v1/telemetry',
    body: IngestTelemetryBody,
    bodyRequired: true,
    handle: ({ body, state, clock, id }) => {
      for (const event of body.events) pushBounded(state.telemetry, structuredClone(event));
      // Enabled SIEM destinations receive each accepted batch (delivery is simulated).
      for (const destination of state.destinations.values()) {
        if (!destination.enabled) continue;
        pushBounded(state.deliveries, {
          seq: nextSeq(state),
          id: id('dlv'),
          destination_id: destination.id,
          status: 'delivered',
          attempted_at: clock.iso(),
          event_count: body.events.length,
          http_status: 200,
          error: null,
          test: false,
        });
      }
      return json(202, { accepted: body.events.length });
    },
  }),
];
