import { CheckActionBody, ReportTelemetryBody } from '@agenttrustid/spec/zod';
import { defineOp, json } from '../operation.js';
import { pushBounded } from '../state.js';
import { nextSeq } from './common.js';
import { decide } from './guardian.js';
import { enforceSenderConstraint } from './wimse.js';

export const actionOps = [
  defineOp({
    operationId: 'checkAction',
    method: 'POST',
    path: '/api/v1/agenttrust/check',
    body: CheckActionBody,
    bodyRequired: true,
    handle: async (ctx) => {
      await enforceSenderConstraint(ctx, ctx.body.agent_id);
      return json(
        200,
        decide(ctx, {
          agent_id: ctx.body.agent_id,
          action_name: ctx.body.action_name,
          action_effect: ctx.body.action_effect,
          session_id: ctx.body.session_id,
        }),
      );
    },
  }),
  defineOp({
    operationId: 'reportTelemetry',
    method: 'POST',
    path: '/api/v1/telemetry/report',
    body: ReportTelemetryBody,
    bodyRequired: true,
    handle: ({ body, state, clock, id }) => {
      for (const event of body.events) {
        pushBounded(state.telemetry, {
          ...structuredClone(event),
          agent_id: body.agent_id,
          session_id: body.session_id,
        });
      }
      // Active SIEM destinations receive each accepted batch (delivery is simulated).
      for (const destination of state.destinations.values()) {
        if (!destination.is_active) continue;
        const events = body.events.filter(
          (e) =>
            destination.filter_event_types.length === 0 ||
            destination.filter_event_types.includes(e.event_type),
        );
        if (events.length === 0) continue;
        pushBounded(state.deliveries, {
          seq: nextSeq(state),
          id: id('dlv'),
          destination_id: destination.id,
          batch_size: events.length,
          status: 'success',
          status_code: 200,
          error_message: '',
          delivered_at: clock.iso(),
          test: false,
        });
      }
      return json(200, { accepted: true, events_processed: body.events.length });
    },
  }),
];
