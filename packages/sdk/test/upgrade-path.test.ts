// Upgrade path: code written against the official TypeScript package keeps working with ours.
// Each official runtime name must be exported by our package; type names are checked by `tsc`
// through test/upgrade/types.ts.
import { describe, expect, it } from 'vitest';
import * as sdk from '../src/index.js';
import { OFFICIAL_SOURCE, OFFICIAL_TYPES, OFFICIAL_VALUES } from './upgrade/official-names.js';

// Names of the official client-side key store and framework integrations that ours does not
// offer yet; listed so that the gap is visible and this list shrinks, never grows.
const KNOWN_GAPS = new Set([
  'generateAgentKey',
  'signWithPrivateKeyPem',
  'KeychainKeyStore',
  'AgentTrustLangChainHandler',
  'withAgentTrustVercelAI',
  'withATIVercelAI',
  'AgentKeyPair',
]);

describe(`the official package's public names (${OFFICIAL_SOURCE})`, () => {
  for (const name of OFFICIAL_VALUES.filter((n) => !KNOWN_GAPS.has(n))) {
    it(`exports ${name}`, () => {
      expect((sdk as Record<string, unknown>)[name], name).toBeDefined();
    });
  }

  it('aliases are the same objects as our own names', () => {
    expect(sdk.AgentsAPI).toBe(new sdk.AgentTrustClient({ apiKey: 'k' }).agents.constructor);
    expect(sdk.WIMSEAPI).toBe(new sdk.AgentTrustClient({ apiKey: 'k' }).wimse.constructor);
  });

  it('agent card helpers read the trust extension', () => {
    const card = {
      name: 'a',
      description: 'd',
      version: '1',
      supportedInterfaces: [
        { url: 'http://x/a2a/agents/a', protocolBinding: 'JSONRPC', protocolVersion: '1.0' },
      ],
      capabilities: { extensions: [{ uri: sdk.TRUST_EXTENSION_URI, params: { ati_trust_score: 0.8 } }] },
    } as unknown as sdk.AgentCard;
    expect(sdk.primaryUrl(card)).toBe('http://x/a2a/agents/a');
    expect(sdk.trustScore(card)).toBe(0.8);
  });

  it('the known gaps are official names (the list only shrinks)', () => {
    const official = new Set<string>([...OFFICIAL_VALUES, ...OFFICIAL_TYPES]);
    for (const name of KNOWN_GAPS) expect(official.has(name), name).toBe(true);
    for (const name of KNOWN_GAPS) expect((sdk as Record<string, unknown>)[name], name).toBeUndefined();
  });
});
