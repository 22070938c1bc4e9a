import type { components } from '@agenttrustid/spec/types';
import {
  CreateSiemDestinationBody,
  DeleteSiemDestinationParams,
  GetSiemDeliveryLogParams,
  GetSiemDestinationParams,
  TestSiemDestinationBody,
  TestSiemDestinationParams,
  UpdateSiemDestinationBody,
  UpdateSiemDestinationParams,
} from '@agenttrustid/spec/zod';
import { notFound } from '../errors.js';
import { defineOp, json, noContent } from '../operation.js';
import {
  type DeliveryRecord,
  type GatewayState,
  newestFirst,
  ORG_ID,
  pushBounded,
  type SiemDestination,
} from '../state.js';
import { nextSeq } from './common.js';

type S = components['schemas'];

function findDestination(state: GatewayState, id: string): SiemDestination {
  const destination = state.destinations.get(id);
  if (!destination) throw notFound('siem destination', id);
  return destination;
}

/** The stored credential is never returned: only a mask that says there is one. */
const MASK = '********';

function destinationView(destination: SiemDestination): S['SiemDestination'] {
  const { seq: _, auth_token, ...wire } = destination;
  return { ...structuredClone(wire), ...(auth_token ? { auth_token: MASK } : {}) };
}

function deliveryView(record: DeliveryRecord): S['DeliveryRecord'] {
  const { seq: _, test: __, ...wire } = record;
  return { ...wire };
}

/** Whether the simulated endpoint answers: not for `.invalid` hosts or unparsable URLs. */
function reachable(url: string): boolean {
  try {
    return !new URL(url).hostname.endsWith('.invalid');
  } catch {
    return false;
  }
}

export const streamingOps = [
  defineOp({
    operationId: 'createSiemDestination',
    method: 'POST',
    path: '/api/v1/siem/destinations',
    body: CreateSiemDestinationBody,
    bodyRequired: true,
    secretFields: ['auth_token'],
    handle: ({ body, state, clock, id }) => {
      const destination: SiemDestination = {
        seq: nextSeq(state),
        id: id('dst'),
        org_id: ORG_ID,
        name: body.name,
        destination_type: body.destination_type,
        endpoint_url: body.endpoint_url,
        auth_token: body.auth_token ?? null,
        is_active: true,
        batch_size: body.batch_size ?? 100,
        flush_interval_seconds: body.flush_interval_seconds ?? 10,
        filter_event_types: [...(body.filter_event_types ?? [])],
        created_at: clock.iso(),
        updated_at: clock.iso(),
      };
      state.destinations.set(destination.id, destination);
      return json(201, destinationView(destination));
    },
  }),
  defineOp({
    operationId: 'listSiemDestinations',
    method: 'GET',
    path: '/api/v1/siem/destinations',
    handle: ({ state }) => {
      const destinations = newestFirst(state.destinations.values()).map(destinationView);
      return json(200, { destinations, total: destinations.length });
    },
  }),
  defineOp({
    operationId: 'getSiemDestination',
    method: 'GET',
    path: '/api/v1/siem/destinations/{destination_id}',
    params: GetSiemDestinationParams,
    handle: ({ params, state }) => json(200, destinationView(findDestination(state, params.destination_id))),
  }),
  defineOp({
    operationId: 'updateSiemDestination',
    method: 'PUT',
    path: '/api/v1/siem/destinations/{destination_id}',
    params: UpdateSiemDestinationParams,
    body: UpdateSiemDestinationBody,
    secretFields: ['auth_token'],
    handle: ({ params, body, state, clock }) => {
      const destination = findDestination(state, params.destination_id);
      // Only the fields sent change; no body at all (Python) is an empty update.
      const patch = body ?? {};
      if (patch.name !== undefined) destination.name = patch.name;
      if (patch.endpoint_url !== undefined) destination.endpoint_url = patch.endpoint_url;
      if (patch.auth_token !== undefined) destination.auth_token = patch.auth_token;
      if (patch.is_active !== undefined) destination.is_active = patch.is_active;
      if (patch.batch_size !== undefined) destination.batch_size = patch.batch_size;
      if (patch.flush_interval_seconds !== undefined)
        destination.flush_interval_seconds = patch.flush_interval_seconds;
      if (patch.filter_event_types !== undefined)
        destination.filter_event_types = [...patch.filter_event_types];
      destination.updated_at = clock.iso();
      return json(200, destinationView(destination));
    },
  }),
  defineOp({
    operationId: 'deleteSiemDestination',
    method: 'DELETE',
    path: '/api/v1/siem/destinations/{destination_id}',
    params: DeleteSiemDestinationParams,
    handle: ({ params, state }) => {
      findDestination(state, params.destination_id);
      state.destinations.delete(params.destination_id);
      // Its delivery log goes with it.
      const kept = state.deliveries.filter((d) => d.destination_id !== params.destination_id);
      state.deliveries.length = 0;
      state.deliveries.push(...kept);
      return noContent();
    },
  }),
  defineOp({
    operationId: 'getSiemDeliveryLog',
    method: 'GET',
    path: '/api/v1/siem/destinations/{destination_id}/logs',
    params: GetSiemDeliveryLogParams,
    handle: ({ params, state }) => {
      findDestination(state, params.destination_id);
      const logs = newestFirst(
        state.deliveries.filter((d) => d.destination_id === params.destination_id),
      ).map(deliveryView);
      return json(200, { logs, total: logs.length });
    },
  }),
  defineOp({
    operationId: 'testSiemDestination',
    method: 'POST',
    path: '/api/v1/siem/destinations/{destination_id}/test',
    params: TestSiemDestinationParams,
    body: TestSiemDestinationBody,
    handle: ({ params, state, clock, id }) => {
      const destination = findDestination(state, params.destination_id);
      // Delivery is simulated: a disabled destination or an `.invalid` host fails.
      const failure = !destination.is_active
        ? 'destination is disabled'
        : !reachable(destination.endpoint_url)
          ? `host of ${destination.endpoint_url} does not resolve`
          : null;
      const record: DeliveryRecord = {
        seq: nextSeq(state),
        id: id('dlv'),
        destination_id: destination.id,
        batch_size: 1,
        status: failure ? 'failed' : 'success',
        status_code: failure ? 0 : 200,
        error_message: failure ?? '',
        delivered_at: clock.iso(),
        test: true,
      };
      pushBounded(state.deliveries, record);
      return json(200, deliveryView(record));
    },
  }),
];
