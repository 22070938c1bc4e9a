import type { RequestOptions } from '../core/http.js';
import { toWire } from '../core/keys.js';
import { APIResource } from '../core/resource.js';
import type {
  FederatedTokenVerification,
  FederationProvider,
  InitFederatedSessionRequest,
  RegisterProviderRequest,
  Session,
  VerifyFederatedTokenRequest,
} from '../generated/models.js';
import * as api from '../generated/operations.js';
import { operations } from '../generated/wire.js';

const { registerFederationProvider, verifyFederatedToken, initFederatedSession } = operations;

export class Federation extends APIResource {
  /** Trusts an OIDC issuer's ID tokens. */
  registerProvider(params: RegisterProviderRequest, options?: RequestOptions): Promise<FederationProvider> {
    return this._call(registerFederationProvider, options, (c) =>
      api.registerFederationProvider(toWire(params, registerFederationProvider.body), c),
    );
  }

  /** Verifies an external ID token; its `claims` come back exactly as the issuer wrote them. */
  verifyToken(
    params: VerifyFederatedTokenRequest,
    options?: RequestOptions,
  ): Promise<FederatedTokenVerification> {
    return this._call(verifyFederatedToken, options, (c) =>
      api.verifyFederatedToken(toWire(params, verifyFederatedToken.body), c),
    );
  }

  /** Bridges a verified external ID token into an AgentTrust ID session. */
  initSession(params: InitFederatedSessionRequest, options?: RequestOptions): Promise<Session> {
    return this._call(initFederatedSession, options, (c) =>
      api.initFederatedSession(toWire(params, initFederatedSession.body), c),
    );
  }
}
