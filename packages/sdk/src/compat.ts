// The public names of the official `@agenttrustid/sdk` TypeScript package (agenttrustid/sdk,
// typescript/src/index.ts) that ours spells differently, as aliases, so code written against it
// keeps compiling and running after an upgrade (test/upgrade-path.test.ts lists every name).
import type { AgentCard } from './generated/models.js';

export { A2a as A2AAPI } from './generated/resources/a2a.js';
export { Actions as ActionsAPI } from './generated/resources/actions.js';
export { AgentCards as AgentCardsAPI } from './generated/resources/agent-cards.js';
export { Approvals as ApprovalsAPI } from './generated/resources/approvals.js';
export { Delegations as DelegationsAPI } from './generated/resources/delegations.js';
export { Federation as FederationAPI } from './generated/resources/federation.js';
export { Mcp as MCPAPI } from './generated/resources/mcp.js';
export { Sessions as SessionsAPI } from './generated/resources/sessions.js';
export { Streaming as StreamingAPI } from './generated/resources/streaming.js';
export { Telemetry as TelemetryAPI } from './generated/resources/telemetry.js';
export { Tokens as TokensAPI } from './generated/resources/tokens.js';
export { Wimse as WIMSEAPI } from './generated/resources/wimse.js';
// The client's agents resource: the generated one with the key pair step of `create`.
export { KeyedAgents as AgentsAPI } from './identity/resources.js';

/** The A2A extension URI under which AgentTrust ID publishes an agent's trust score and key. */
export const TRUST_EXTENSION_URI = 'https://agenttrust.id/ext/trust/v1';

/** The URL to send A2A requests to: the first supported interface's, else the legacy top-level `url`. */
export function primaryUrl(card: AgentCard): string | undefined {
  const legacy = (card as { url?: unknown }).url;
  return card.supportedInterfaces?.[0]?.url ?? (typeof legacy === 'string' ? legacy : undefined);
}

/** The trust score the card's AgentTrust ID extension carries (`ati_trust_score`), if any. */
export function trustScore(card: AgentCard): number | undefined {
  const extension = card.capabilities?.extensions?.find((e) => e.uri === TRUST_EXTENSION_URI);
  const score = (extension?.params as Record<string, unknown> | undefined)?.ati_trust_score;
  return typeof score === 'number' ? score : undefined;
}

export type { ClientOptions as AgentTrustClientOptions } from './client.js';
export type {
  A2aTask as A2ATask,
  A2aV1Task as A2AMessageTask,
  AgentCapabilities as AgentCardCapabilities,
  AgentCardSignature,
  AgentExtension as AgentCardExtension,
  AgentInterface as AgentCardInterface,
  AgentProvider as AgentCardProvider,
  AgentSkill as AgentCardSkill,
  CardSecurityScheme as AgentCardSecurityScheme,
  CreateSiemDestinationRequest as CreateSIEMDestinationRequest,
  DeliveryRecord as SIEMDeliveryRecord,
  FederatedTokenVerification as VerifyFederatedTokenResult,
  FederationProvider,
  InitApiSessionRequest as InitAPISessionRequest,
  IntrospectionResult as VerificationResult,
  IntrospectTokenRequest as VerifyTokenRequest,
  IssuedFederatedToken as IssueFederatedIDTokenResult,
  IssueFederatedTokenRequest as IssueFederatedIDTokenRequest,
  IssueWimseTokenRequest as IssueWIMSETokenRequest,
  McpServer as MCPServer,
  PopProof as PoPProof,
  RegisterMcpServerRequest as RegisterMCPServerRequest,
  RegisterProviderRequest as RegisterFederationProviderRequest,
  SendMessageParams as SendMessageRequest,
  SendTaskParams as SendTaskRequest,
  SiemDestination as SIEMDestination,
  TelemetryReport as TelemetryReportRequest,
  UpdateSiemDestinationRequest as UpdateSIEMDestinationRequest,
  VerifyWimseTokenRequest as VerifyWIMSETokenRequest,
  WimseToken as WIMSETokenResponse,
  WimseVerification as VerifyWIMSETokenResponse,
} from './generated/models.js';

/** The official package's name for an agent's framework (a free string on the wire). */
export type Framework = import('./generated/models.js').Agent['framework'];
/** The official package's name for a legacy A2A task's status (a string). */
export type A2ATaskStatus = import('./generated/models.js').A2aTask['status'];
