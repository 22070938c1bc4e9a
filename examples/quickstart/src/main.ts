// AgentTrust ID quickstart: a scripted agent whose tools are wrapped by AgentTrustGuard, against
// the mock gateway on 127.0.0.1 (started in this process; no network beyond loopback).
// Run from the repository root: `bash scripts/bootstrap.sh && pnpm demo`.
import { startMockGatewayServer } from '@agenttrustid/mock-gateway/node';
import {
  AgentTrustClient,
  AgentTrustError,
  AgentTrustGuard,
  ElevationRequiredError,
} from '@agenttrustid/sdk';

const quiet = process.argv.includes('--quiet');
const say = (line = '') => {
  if (!quiet) console.log(line);
};

class FileMissingError extends Error {}

async function main(): Promise<void> {
  // 1. The gateway. A real deployment would use AgentTrustClient.fromEnv() instead.
  const server = await startMockGatewayServer();
  const client = new AgentTrustClient({ baseUrl: server.url, apiKey: 'sk_test_agenttrust' });
  say('AgentTrust ID quickstart');
  say(`  mock gateway   ${server.url} (in this process, loopback only)`);

  try {
    // 2. Register the agent and say what it may do.
    const agent = await client.agents.create({
      name: 'research-bot',
      framework: 'quickstart',
      capabilities: ['web:search', 'files:read', 'db:*'],
    });
    say(`  agent          ${agent.name} (${agent.id}), capabilities: ${agent.capabilities.join(', ')}`);

    // 3. One guard for the whole run: fail-closed, inputs not sent, telemetry batched.
    const guard = new AgentTrustGuard(client, agent.id, { failOpen: false, blockOnDeny: true });
    say(`  guard          session ${guard.sessionId}, fail-closed, inputs not logged`);
    say();

    // 4. The agent's tools, each wrapped: check -> run -> time -> report.
    const webSearch = guard.wrap(
      'web_search',
      async (query: string) => [`"${query}" survey (2025)`, `${query}: open problems`, `${query} benchmark`],
      { effect: 'read' },
    );
    const sendEmail = guard.wrap('send_email', async (to: string) => `sent to ${to}`);
    const readFile = guard.wrap('files_read', async (path: string): Promise<string> => {
      throw new FileMissingError(`no such file: ${path}`);
    });
    // An approval is bound to agent + tool name + effect + session, so each destructive tool
    // needs its own.
    const dbDelete = guard.wrap('db_delete', async (table: string) => `deleted table ${table} (1,204 rows)`, {
      effect: 'destructive',
    });
    const dbDrop = guard.wrap('db_drop', async (table: string) => `dropped table ${table}`, {
      effect: 'destructive',
    });

    say('Agent run');
    const results = await webSearch('AI safety');
    say(`  ok      web_search("AI safety"): allowed, ${results.length} results`);

    try {
      await sendEmail('cfo@example.com');
    } catch (error) {
      if (!(error instanceof AgentTrustError) || error.code !== 'ACTION_DENIED') throw error;
      const retryable = error.details?.retryable ? 'retrying may help' : 'retrying will not help';
      say(
        `  denied  send_email: ${String(error.details?.reason)} (${retryable}; check ${String(error.details?.checkId)})`,
      );
    }

    let approvalId = '';
    try {
      await dbDelete('orders_2019');
    } catch (error) {
      if (!(error instanceof ElevationRequiredError)) throw error;
      approvalId = error.approvalId;
      say(`  waits   db_delete("orders_2019"): ${error.code}, approval ${approvalId}`);
    }

    // 5. A human approves (here: the script, as admin@company.com).
    const approval = await client.approvals.approve(approvalId, 'admin@company.com');
    say(
      `  human   ${approval.decidedBy} approved ${approval.id} for ${approval.actionName} (${approval.actionEffect})`,
    );

    // 6. The same call again is allowed within the elevation window...
    const deleted = await dbDelete('orders_2019');
    say(`  ok      db_delete("orders_2019") retried: allowed, ${deleted}`);
    // ...but the approval does not carry over to another tool, even one the same capability grants.
    try {
      await dbDrop('orders_2019');
    } catch (error) {
      if (!(error instanceof ElevationRequiredError)) throw error;
      say(
        `  waits   db_drop("orders_2019"): the approval does not carry over, new approval ${error.approvalId}`,
      );
    }

    // 7. A tool that fails: its own error comes back unchanged, telemetry gets its class name only.
    try {
      await readFile('/tmp/report.txt');
    } catch (error) {
      if (!(error instanceof FileMissingError)) throw error;
      say(
        `  failed  files_read: the tool's own ${error.constructor.name} came back unchanged; telemetry gets its class name only`,
      );
    }

    // 8. Telemetry leaves in batches in the background; flush before exit.
    await guard.close();
    const stats = guard.stats();
    const session = await client.sessions.getSession(guard.sessionId);
    say();
    say('Telemetry');
    say(
      `  sent ${stats.sent}, dropped ${stats.dropped}, queued ${stats.queued}, failed batches ${stats.failedBatches}`,
    );
    say(
      `  checks ${stats.checks.total}: allowed ${stats.checks.allowed}, denied ${stats.checks.denied}, ` +
        `elevation required ${stats.checks.elevationRequired}; breaker ${guard.breakerState}`,
    );
    say(`  gateway's session view: ${session.totalCalls} calls, ${session.deniedCalls} not allowed`);
    // What left the process for each tool call: no input, no output, no error message.
    for (const event of server.gateway.state.telemetry as Record<string, unknown>[]) {
      const error = event.error_type ? `, error_type ${String(event.error_type)}` : '';
      say(
        `  event   ${String(event.tool_name)}: success ${String(event.success)}, ${String(event.duration_ms)} ms${error}`,
      );
    }
    if (stats.sent !== 3 || stats.dropped !== 0)
      throw new Error(`unexpected telemetry: ${JSON.stringify(stats)}`);
  } finally {
    await server.close();
  }
}

main().catch((error: unknown) => {
  console.error('quickstart failed:', error);
  process.exitCode = 1;
});
