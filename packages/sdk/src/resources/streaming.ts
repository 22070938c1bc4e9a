import type { RequestOptions } from '../core/http.js';
import { toWire } from '../core/keys.js';
import { APIResource, segment } from '../core/resource.js';
import type { CreateSiemDestinationRequest, DeliveryRecord, SiemDestination } from '../generated/models.js';
import * as api from '../generated/operations.js';
import { operations } from '../generated/wire.js';

const {
  createSiemDestination,
  listSiemDestinations,
  deleteSiemDestination,
  getSiemDeliveryLog,
  testSiemDestination,
} = operations;

export class Streaming extends APIResource {
  /** Adds a SIEM destination. Its `authToken` is stored by the gateway and never returned. */
  create(params: CreateSiemDestinationRequest, options?: RequestOptions): Promise<SiemDestination> {
    return this._call(createSiemDestination, options, (c) =>
      api.createSiemDestination(toWire(params, createSiemDestination.body), c),
    );
  }

  list(options?: RequestOptions): Promise<SiemDestination[]> {
    return this._call(listSiemDestinations, options, (c) => api.listSiemDestinations(c));
  }

  delete(destinationId: string, options?: RequestOptions): Promise<void> {
    return this._call(deleteSiemDestination, options, (c) =>
      api.deleteSiemDestination(segment('destinationId', destinationId), c),
    );
  }

  /** Recent delivery attempts to the destination, newest first. */
  deliveryLog(destinationId: string, options?: RequestOptions): Promise<DeliveryRecord[]> {
    return this._call(getSiemDeliveryLog, options, (c) =>
      api.getSiemDeliveryLog(segment('destinationId', destinationId), c),
    );
  }

  /** Sends a test event to the destination and returns the attempt. */
  test(destinationId: string, options?: RequestOptions): Promise<DeliveryRecord> {
    return this._call(testSiemDestination, options, (c) =>
      api.testSiemDestination(segment('destinationId', destinationId), c),
    );
  }
}
