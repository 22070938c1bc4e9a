import type { RequestOptions } from '../core/http.js';
import { toWire } from '../core/keys.js';
import { APIResource } from '../core/resource.js';
import type { TelemetryAccepted, TelemetryBatch } from '../generated/models.js';
import * as api from '../generated/operations.js';
import { operations } from '../generated/wire.js';

const { ingestTelemetry } = operations;

export class Telemetry extends APIResource {
  /** Sends a batch of 1 to 100 post-call events. The Guard batches these for you. */
  send(batch: TelemetryBatch, options?: RequestOptions): Promise<TelemetryAccepted> {
    return this._call(ingestTelemetry, options, (c) =>
      api.ingestTelemetry(toWire(batch, ingestTelemetry.body), c),
    );
  }
}
