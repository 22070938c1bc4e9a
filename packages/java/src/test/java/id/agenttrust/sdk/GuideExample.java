package id.agenttrust.sdk;

import id.agenttrust.sdk.exceptions.AgentTrustException;
import id.agenttrust.sdk.exceptions.ElevationRequiredException;
import id.agenttrust.sdk.exceptions.NetworkException;
import id.agenttrust.sdk.models.ActionCheckResult;
import id.agenttrust.sdk.models.Agent;
import id.agenttrust.sdk.models.ApprovalRequest;
import id.agenttrust.sdk.models.CreateAgentRequest;
import id.agenttrust.sdk.models.IntrospectTokenRequest;
import id.agenttrust.sdk.models.IntrospectionResult;
import id.agenttrust.sdk.models.IssueTokenRequest;
import id.agenttrust.sdk.models.Session;
import id.agenttrust.sdk.models.Token;
import id.agenttrust.sdk.resources.ActionsAPI;
import java.util.List;

/**
 * The Java snippets of the product guide (reference/agenttrust-id-sdk-guide.txt), line breaks
 * restored, in the guide's order, run against the gateway of AGENTTRUST_URL. Where two snippets
 * declare the same name, each sits in its own block. One line differs: the guide's
 * {@code .action("tool_call")} on the check request, an argument the wire does not have (the
 * spec's ActionCheckRequest.action_name notes it as the official clients' fallback for the
 * tool name); it is left out.
 */
public final class GuideExample {
  private GuideExample() {}

  private static Object doWebSearch(String query) {
    return "results for " + query;
  }

  /**
   * Runs the snippets.
   *
   * @param args unused
   */
  public static void main(String[] args) {
    // 2. Client configuration.
    {
      // Builder pattern
      AgentTrustClient client = AgentTrustClient.builder()
          .baseUrl("http://localhost:8080")
          .apiKey("sk_live_...")
          .build();
      System.out.println("built: " + client);
    }
    // From environment variables
    AgentTrustClient client = AgentTrustClient.fromEnv();

    // 3. Agent registration.
    Agent agent = client.agents().create(
        CreateAgentRequest.builder()
            .name("research-bot")
            .framework("langchain")
            .capabilities(List.of("web:search", "files:read"))
            .build()
    );
    System.out.println("Agent ID: " + agent.getId());

    // 4. Tokens.
    // Issue a token
    Token token = client.tokens().issue(
        IssueTokenRequest.builder()
            .agentId(agent.getId())
            .scope(List.of("files:read"))
            .ttl(300)
            .build()
    );
    System.out.println("Token: " + token.getToken());
    // Introspect a token
    IntrospectionResult result = client.tokens().introspect(
        IntrospectTokenRequest.builder()
            .token(token.getToken())
            .target("mcp://filesystem")
            .build()
    );
    System.out.println("Active: " + result.isActive());

    // 5. Action checks.
    {
      ActionCheckResult check = client.actions().check(
          ActionsAPI.ActionCheckRequest.builder()
              .agentId(agent.getId())
              .toolName("web_search")
              .toolInputSummary("AI safety papers")
              .sessionId("sess-abc")
              .actionEffect("read")
              .build()
      );
      System.out.println("Allowed: " + check.isAllowed());
      if (check.isElevationRequired()) {
        System.out.println("Approval needed: " + check.getApprovalId());
      }
    }

    // 6. Sessions.
    // Initialize a session
    Session session = client.sessions().initSession(agent.getId(), "mcp-code-tools");
    System.out.println("Session ID: " + session.getSessionId());
    System.out.println("Mode: " + session.getMode());
    // Retrieve session state later
    Session current = client.sessions().getSession(session.getSessionId());
    System.out.println("Total calls: " + current.getTotalCalls());

    // 7. The guard.
    // Use try-with-resources for automatic cleanup
    try (AgentTrustGuard guard = new AgentTrustGuard(client, agent.getId())) {
      // Before tool call -- throws AgentTrustException if denied
      guard.check("web_search", "AI news", "read");
      // Execute the tool
      long start = System.currentTimeMillis();
      Object searched = doWebSearch("AI news");
      int durationMs = (int) (System.currentTimeMillis() - start);
      // After tool call -- fire-and-forget telemetry
      guard.report("web_search", true, durationMs);
      System.out.println("Searched: " + searched);
    } // guard.close() is called automatically

    // 8. Elevation: an agent whose capability covers db_delete only with an approval.
    Agent dbAgent = client.agents().create(
        CreateAgentRequest.builder().name("db-bot").capabilities(List.of("db:*")).build());
    String approvalId = null;
    try (AgentTrustGuard guard = new AgentTrustGuard(client, dbAgent.getId())) {
      try {
        guard.check("db_delete", "drop table users", "destructive");
      } catch (ElevationRequiredException e) {
        approvalId = e.getApprovalId();
        System.out.println("Elevation required. Approval ID: " + approvalId);
        // A human or automated system approves the action
        client.approvals().approve(approvalId, "admin@company.com");
        // Retry the check
        guard.check("db_delete", "drop table users", "destructive");
      } catch (AgentTrustException e) {
        // Handle ACTION_DENIED or other errors
        throw e;
      }

      // 9. Approvals.
      // Check approval status
      ApprovalRequest approval = client.approvals().get(approvalId);
      System.out.println("Status: " + approval.getStatus());
      System.out.println("Action: " + approval.getActionName());

      // 12. Error handling.
      try {
        guard.check("dangerous_tool", "data", "destructive");
      } catch (ElevationRequiredException e) {
        System.out.println("Approval ID: " + e.getApprovalId());
        // Deny an elevation request
        client.approvals().deny(e.getApprovalId(), "security@company.com");
      } catch (NetworkException e) {
        System.out.println("Network error: " + e.getMessage());
      } catch (AgentTrustException e) {
        System.out.println("Code: " + e.getCode()); // "ACTION_DENIED", etc.
        System.out.println("Status: " + e.getStatus()); // HTTP status code
      }
    }
  }
}
