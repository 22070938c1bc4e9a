// `@agenttrustid/sdk/identity`: agent keys, key stores, proof of possession, DPoP and the
// credentials a check carries. A separate entry, so the client's bundle holds none of it.
export { AgentCredentials, type AgentCredentialsOptions } from './credentials.js';
export { mintDPoPProof } from './dpop.js';
export { FileKeyStore } from './file-store.js';
export { AgentKeyPair, type Ed25519PublicJwk } from './key-pair.js';
export { type KeyStore, MemoryKeyStore } from './key-store.js';
export { KeychainKeyStore, type KeychainKeyStoreOptions, type KeyringModule } from './keychain-store.js';
export { type IdentityClient, type IssueWithProofOptions, issueTokenWithProof, popMessage } from './pop.js';
