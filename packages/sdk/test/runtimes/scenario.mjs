// The runtime matrix's representative suite: real calls over HTTP to the mock gateway, the Guard
// (check, deny, measure, flush) and identity (proof-of-possession keys through WebCrypto and
// jose). `sdk` and `identity` are the SDK's entry points as the runtime loaded them (import or
// require); the suite imports nothing of the SDK itself, so each build is tested on its own.
export async function scenario(sdk, identity) {
  const { AgentTrustClient, AgentTrustGuard, NotFoundError, ActionDeniedError, AgentTrustError } = sdk;
  const results = [];
  const step = async (name, run) => {
    try {
      await run();
      results.push({ name, ok: true });
    } catch (error) {
      results.push({ name, ok: false, error: error?.stack ?? String(error) });
    }
  };
  const expect = (condition, message) => {
    if (!condition) throw new Error(message);
  };

  const client = AgentTrustClient.fromEnv();
  let agent;
  await step('client: create an agent, check an action', async () => {
    agent = await client.agents.create({
      name: 'runtime',
      capabilities: ['web:search'],
      metadata: { a_b: 1 },
    });
    expect(agent.id.startsWith('agt_') && agent.metadata.a_b === 1, `agent ${JSON.stringify(agent)}`);
    const result = await client.actions.check({ agentId: agent.id, toolName: 'web_search' });
    expect(result.allowed === true && typeof result.checkId === 'string', 'check not allowed');
  });
  await step('client: a 404 is a NotFoundError', async () => {
    const missing = await client.agents.get('agt_missing').catch((e) => e);
    expect(missing instanceof NotFoundError && missing instanceof AgentTrustError, `got ${missing}`);
    expect(missing.status === 404 && missing.code === 'NOT_FOUND', `status ${missing.status}`);
  });
  await step('guard: allow, deny, measure, flush', async () => {
    const guard = new AgentTrustGuard(client, agent.id);
    const allowed = await guard.check('web_search');
    expect(allowed.allowed === true, 'web_search denied');
    const denied = await guard.check('send_email').catch((e) => e);
    expect(denied instanceof ActionDeniedError && denied.code === 'ACTION_DENIED', `got ${denied}`);
    const value = await guard.measure('web_search', async () => 42);
    expect(value === 42, 'measure changed the value');
    expect((await guard.close(5_000)) === true, 'telemetry not flushed');
  });
  await step('identity: proof-of-possession credentials', async () => {
    const { AgentCredentials } = identity;
    await client.orgs.updateSecuritySettings({
      requireProofOfPossession: true,
      requireSenderConstrainedTokens: true,
    });
    try {
      const keyed = await client.agents.create({ name: 'keyed', capabilities: ['web:search'] });
      const guard = new AgentTrustGuard(client, keyed.id, {
        credentials: new AgentCredentials(client, keyed.id),
      });
      const decision = await guard.check('web_search');
      await guard.close(5_000);
      expect(decision.allowed === true, 'keyed check denied');
      const refused = await new AgentTrustGuard(client, keyed.id).check('web_search').catch((e) => e);
      expect(refused?.code === 'AUTH_FAILED', `without credentials: ${refused}`);
    } finally {
      await client.orgs.updateSecuritySettings({
        requireProofOfPossession: false,
        requireSenderConstrainedTokens: false,
      });
    }
  });
  return results;
}

/** Prints one JSON line the runner reads; exit code 1 when a step failed. */
export function finish(results) {
  console.log(JSON.stringify(results));
  if (results.some((r) => !r.ok)) process.exitCode = 1;
}
