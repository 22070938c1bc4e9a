// Package ati is the Go client of the AgentTrust ID gateway ("Guardian"): agents, capability
// tokens, pre-flight action checks, sessions, human approvals, the MCP registry and proxy, A2A
// agent cards and tasks, delegations, federation and SIEM streaming, plus the Guard that wraps an
// agent's tool calls (check before, report after, telemetry batched in the background).
//
//	import ati "github.com/agenttrustid/sdk/go"
//
//	client := ati.FromEnv() // AGENTTRUST_URL, AGENTTRUST_API_KEY, AGENTTRUST_AUTH_URL, AGENTTRUST_AUDIT_URL
//	if err := client.Err(); err != nil {
//		log.Fatal(err) // no AGENTTRUST_API_KEY: a *ConfigurationError
//	}
//	agent, err := client.Agents.Create(ctx, ati.CreateAgentRequest{Name: "research-bot"})
//
// Most of the package is generated from the gateway's OpenAPI spec; the client core, errors and
// the Guard are hand-written. The module has no dependencies beyond the standard library.
//
// # Calls
//
// NewClient and FromEnv take each setting from its option, else the environment, else the
// default: the base URL from WithBaseURL, AGENTTRUST_URL, AGENTTRUST_BASE_URL, then
// DefaultBaseURL; the API key from WithAPIKey, then AGENTTRUST_API_KEY. A client without a key
// may call the public operations; any other returns a *ConfigurationError before sending
// anything. FromEnv requires a key (Client.Err reports its absence).
//
// Every method takes a context first and per-call Options last (WithTimeout, WithMaxRetries,
// WithHeader, WithIdempotencyKey, WithResponseBodyInto, WithResponseInto). WithResponseInto
// gives the status, headers and request id of a call's answer without a second request. Path parameters are positional strings;
// a request body is a struct. When a body or the query parameters are optional, the method
// without them has a sibling ending in With that takes them:
//
//	agents, err := client.Agents.List(ctx)
//	mine, err := client.Agents.ListWith(ctx, ati.ListAgentsParams{OrgID: "org_1"})
//
// Failed requests are retried (DefaultMaxRetries times) after a network error or an HTTP 408,
// 429 or 5xx answer, with exponential backoff and jitter, honouring Retry-After. Every POST carries
// an Idempotency-Key, the same on each retry, so a retried POST is not applied twice. A Client is
// safe for concurrent use.
//
// The organization key travels in the X-API-Key header. In a split deployment, token and check
// calls go to the auth service and telemetry to the audit service (WithAuthURL, WithAuditURL,
// or derived from a ":8081" base URL); FromConfig reads the official clients' JSON config file;
// WithInsecureSkipVerify is for a local gateway with a self-signed certificate. A2A task and
// message methods travel as JSON-RPC 2.0 and return its result; a JSON-RPC error is an error.
//
// # Optional and nullable fields
//
// The spec distinguishes a field that may be absent from one that may be null, and so does this
// package, with the fewest wrappers that keep the distinction:
//
//   - Optional request fields are plain values, left out of the request when zero
//     (`json:",omitzero"`), so the guide's literals read naturally:
//     ati.IssueTokenRequest{AgentID: id, Scope: []string{"files:read"}, TTL: 300}. Where the zero
//     value is meaningful and differs from leaving the field out (a boolean defaulting to true,
//     such as UpdateSIEMDestinationRequest.IsActive), the field is a pointer: set it with ati.Ptr(false).
//     A nil slice or map is left out; an empty non-nil one is sent as [] or {}.
//   - Fields the gateway may send as null are Nullable[T] (Value, Valid), the same idea as
//     database/sql's Null[T]; null nested objects are pointers, and null arrays are nil slices.
//     fmt prints a Nullable as its value, or <nil>.
//   - Optional response fields that are never null are plain values: absent reads as zero.
//
// Pointers everywhere (the other common choice) would make every request literal need helper
// calls and every read a nil check; an Opt[T] type for optional fields would do the same for
// literals. Both were rejected for that reason.
//
// # Enums and unions
//
// Enums are string types with constants (ati.ActionEffectRead). A value the SDK does not list,
// sent by a newer gateway, is kept as-is rather than rejected; IsKnown tells them apart. The A2A
// message part union (A2APart) is a struct with one pointer per variant and custom JSON
// (un)marshalling on the "kind" discriminator; a part of an unknown kind round-trips unchanged.
// Free-form maps (agent metadata, MCP params, A2A data, federated claims) are map[string]any and
// pass through untouched.
//
// # Errors
//
// Every failure is an *AgentTrustError with a machine-readable Code (one of the ErrorCode
// constants), Message, Details, HTTP Status and RequestID, or a type that embeds it: per status
// *ValidationError (400), *AuthenticationError (401), *AuthorizationError (403),
// *NotFoundError (404), *ConflictError (409), *RateLimitError (429), *InternalServerError (5xx);
// per code *TokenExpiredError and *AgentRevokedError; *ConfigurationError (nothing sent),
// *NetworkError, *TimeoutError (a *NetworkError too), *ElevationRequiredError (with ApprovalID)
// and *RedirectError. Match them with errors.As, the specific types first. An answer that does not match the spec (malformed JSON, a wrong type,
// a missing required field) is an INVALID_RESPONSE error, never a panic. The API key never
// appears in an error, nor when a Client is printed.
//
// # Logging
//
// AGENTTRUST_LOG (off, error, warn, info, debug) writes one line per event on stderr, starting
// "agenttrustid <level>"; WithLogger sends the events to a log/slog logger instead. No header
// value, token, key or body is ever logged. See EnvLog for the events of each level.
//
// # Guard
//
// NewGuard wraps an agent's tool calls: Guard.Check before (denials are errors; fail-closed by
// default when Guardian cannot be reached, with a circuit breaker in front of it), Guard.Report
// after (never blocks, never fails; batched on one goroutine, bounded queue, drops counted), and
// Guard.Close at the end. Input summaries are sent only with WithLogInputs(true), capped at 200
// code points.
//
// # Agent identity
//
// Agents.Create without a PublicKey generates an Ed25519 AgentKeyPair, sends only its SPKI PEM
// and keeps the pair in the client's KeyStore (WithKeyStore: NewMemoryKeyStore by default,
// NewFileKeyStore, or the OS keychain in the separate module github.com/agenttrustid/sdk/go/keychain).
// Wimse.IssueTokenWithProof gets a key-bound WIMSE token; MintDPoPProof makes an RFC 9449 proof.
// For an organization that requires sender-constrained tokens, NewAgentCredentials caches and
// renews the agent's token and signs each check: pass them to NewGuard with WithCredentials, or
// to one Actions.Check with WithAgentCredentials. No key pair, token or proof appears in an
// error, a fmt verb or a JSON encoding of the SDK's types.
package ati
