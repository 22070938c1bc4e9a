package id.agenttrust.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Runs the guide's snippets ({@link GuideExample}) in their own JVM, configured from the environment. */
class GuideExampleTest {
  @BeforeAll
  static void start() throws Exception {
    MockGateway.url();
    MockGateway.reset();
  }

  @Test
  void theGuideRunsAgainstTheMock() throws Exception {
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    ProcessBuilder pb =
        new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), GuideExample.class.getName())
            .redirectErrorStream(true);
    pb.environment().put("AGENTTRUST_URL", MockGateway.url());
    pb.environment().put("AGENTTRUST_API_KEY", MockGateway.KEY);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    for (String line : new String[] {"Agent ID: agt_", "Active: true", "Allowed: true", "Session ID: ", "Elevation required. Approval ID: ", "Status: approved", "Action: db_delete"}) {
      assertTrue(out.contains(line), "missing '" + line + "' in:\n" + out);
    }
    assertTrue(out.contains("Code: ") || out.contains("Approval ID: "), out);
  }
}
