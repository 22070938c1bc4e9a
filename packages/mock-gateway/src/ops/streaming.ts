import type { components } from '@agenttrustid/spec/types';
import {
  CreateSiemDestinationBody,
  DeleteSiemDestinationParams,
  GetSiemDeliveryLogParams,
  TestSiemDestinationParams,
} from '@agenttrustid/spec/zod';
import { notFound } from '../errors.js';
import { defineOp, json, noContent } from '../operation.js';
import {
  type DeliveryRecord,
  type GatewayState,
  newestFirst,
  pushBounded,
  type SiemDestination,
} from '../state.js';
import { nextSeq } from './common.js';

type S = components['schemas'];

/** The wire view never carries the stored credential, only whether there is one. */
function destinationView(destination: SiemDestination): S['SiemDestination'] {
  const { seq: _, auth_token: __, ...wire } = destination;
  return structuredClone(wire);
}

function deliveryView(delivery: DeliveryRecord): S['DeliveryRecord'] {
  const { seq: _, ...wire } = delivery;
  return structuredClone(wire);
}

function findDestination(state: GatewayState, id: string): SiemDestination {
  const destination = state.destinations.get(id);
  if (!destination) throw notFound('destination', id);
  return destination;
}

export const streamingOps = [
  defineOp({
    operationId: 'createSiemDestination',
    method: 'POST',
    path: '/v1/streaming/destinations',
    body: CreateSiemDestinationBody,
    bodyRequired: true,
    secretFields: ['auth_token'],
    handle: ({ body, state, clock, id }) => {
      const destination: SiemDestination = {
        seq: nextSeq(state),
        auth_token: body.auth_token ?? null,
        id: id('dst'),
        name: body.name,
        destination_type: body.destination_type,
        endpoint_url: body.endpoint_url,
        enabled: body.enabled ?? true,
        has_auth_token: body.auth_token !== undefined,
        created_at: clock.iso(),
      };
      state.destinations.set(destination.id, destination);
      return json(201, destinationView(destination));
    },
  }),
  defineOp({
    operationId: 'listSiemDestinations',
    method: 'GET',
    path: '/v1/streaming/destinations',
    handle: ({ state }) => json(200, newestFirst(state.destinations.values()).map(destinationView)),
  }),
  defineOp({
    operationId: 'deleteSiemDestination',
    method: 'DELETE',
    path: '/v1/streaming/destinations/{destination_id}',
    params: DeleteSiemDestinationParams,
    handle: ({ params, state }) => {
      findDestination(state, params.destination_id);
      state.destinations.delete(params.destination_id);
      const kept = state.deliveries.filter((d) => d.destination_id !== params.destination_id);
      state.deliveries.length = 0;
      state.deliveries.push(...kept);
      return noContent();
    },
  }),
  defineOp({
    operationId: 'getSiemDeliveryLog',
    method: 'GET',
    path: '/v1/streaming/destinations/{destination_id}/deliveries',
    params: GetSiemDeliveryLogParams,
    handle: ({ params, state }) => {
      findDestination(state, params.destination_id);
      const log = newestFirst(state.deliveries.filter((d) => d.destination_id === params.destination_id));
      return json(200, log.map(deliveryView));
    },
  }),
  defineOp({
    operationId: 'testSiemDestination',
    method: 'POST',
    path: '/v1/streaming/destinations/{destination_id}/test',
    params: TestSiemDestinationParams,
    handle: ({ params, state, clock, id }) => {
      const destination = findDestination(state, params.destination_id);
      // Delivery is simulated: a disabled destination or a `.invalid` host (RFC 2606) fails.
      let host = '';
      try {
        host = new URL(destination.endpoint_url).hostname;
      } catch {
        // An endpoint that is not a URL fails below like an unresolvable host.
      }
      const failure = !destination.enabled
        ? 'destination is disabled'
        : host === '' || host.endsWith('.invalid')
          ? `could not resolve host ${host || destination.endpoint_url}`
          : null;
      const delivery: DeliveryRecord = {
        seq: nextSeq(state),
        id: id('dlv'),
        destination_id: destination.id,
        status: failure ? 'failed' : 'delivered',
        attempted_at: clock.iso(),
        event_count: 1,
        http_status: failure ? null : 200,
        error: failure,
        test: true,
      };
      pushBounded(state.deliveries, delivery);
      return json(200, deliveryView(delivery));
    },
  }),
];
