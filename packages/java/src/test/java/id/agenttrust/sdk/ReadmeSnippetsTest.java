package id.agenttrust.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ```java} block of the package README, compiled with javac and run in its own JVM
 * against the mock gateway, which the test names in {@code AGENTTRUST_URL} (the key in {@code
 * AGENTTRUST_API_KEY}). A block's {@code import} lines go to the top of a class; the rest becomes
 * its {@code main} method. A block that compiles but throws, or exits non-zero, fails.
 */
class ReadmeSnippetsTest {
  private static final Pattern FENCE = Pattern.compile("(?m)^```java\\n(.*?)^```$", Pattern.DOTALL);

  /** The README's java blocks, in order. */
  static List<String> snippets(String readme) {
    List<String> out = new ArrayList<>();
    Matcher m = FENCE.matcher(readme);
    while (m.find()) out.add(m.group(1));
    return out;
  }

  /** A block as a class: its imports, then the rest as main's body. */
  static String source(String name, String block) {
    StringBuilder imports = new StringBuilder();
    StringBuilder body = new StringBuilder();
    for (String line : block.split("\n", -1)) {
      if (line.startsWith("import ")) imports.append(line).append('\n');
      else body.append("    ").append(line).append('\n');
    }
    return imports + "\npublic class " + name + " {\n  public static void main(String[] args) throws Exception {\n" + body + "  }\n}\n";
  }

  @TestFactory
  Stream<DynamicTest> everyJavaBlockOfTheReadmeRuns(@TempDir Path dir) throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    List<String> blocks = snippets(readme);
    assertTrue(blocks.size() >= 6, "expected the README's java blocks, found " + blocks.size());
    String cp = "target/classes" + File.pathSeparator + Files.readString(Path.of("target/classpath.txt")).trim();
    List<String> files = new ArrayList<>();
    for (int i = 0; i < blocks.size(); i++) {
      Path f = dir.resolve("Snippet" + (i + 1) + ".java");
      Files.writeString(f, source("Snippet" + (i + 1), blocks.get(i)));
      files.add(f.toString());
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<String> args = new ArrayList<>(List.of("-proc:none", "-Xlint:all", "-Werror", "-cp", cp, "-d", dir.toString()));
    args.addAll(files);
    ByteArrayOutputStream diag = new ByteArrayOutputStream();
    int rc = javac.run(null, diag, diag, args.toArray(new String[0]));
    assertEquals(0, rc, "the README's java blocks do not compile:\n" + diag.toString(StandardCharsets.UTF_8));
    MockGateway.url();
    return java.util.stream.IntStream.range(0, blocks.size())
        .mapToObj(i -> DynamicTest.dynamicTest("README java block " + (i + 1) + ": " + firstLine(blocks.get(i)), () -> run(dir, cp, "Snippet" + (i + 1))));
  }

  private static String firstLine(String block) {
    return block.lines().filter(l -> !l.startsWith("import ") && !l.isBlank()).findFirst().orElse("").trim();
  }

  private static void run(Path dir, String cp, String main) throws Exception {
    MockGateway.reset();
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", dir + File.pathSeparator + cp, main).redirectErrorStream(true);
    pb.environment().remove("AGENTTRUST_LOG");
    pb.environment().remove("AGENTTRUST_BASE_URL");
    pb.environment().put("AGENTTRUST_URL", MockGateway.url());
    pb.environment().put("AGENTTRUST_API_KEY", MockGateway.KEY);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), main + " did not finish");
    assertEquals(0, p.exitValue(), main + " failed:\n" + out);
    assertTrue(!out.contains(MockGateway.KEY), main + " printed the API key:\n" + out);
  }
}
