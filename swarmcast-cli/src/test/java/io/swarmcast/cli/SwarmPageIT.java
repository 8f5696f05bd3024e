package io.swarmcast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import io.swarmcast.broadcast.Broadcast;
import io.swarmcast.broadcast.BroadcastManager;
import io.swarmcast.broadcast.internal.BroadcastInternals;
import io.swarmcast.conf.SwarmConf;
import io.swarmcast.node.DriverNode;
import io.swarmcast.security.SecurityManager;
import io.swarmcast.tracker.ExecutorInfo;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The live swarm page in headless Chromium: a driver with {@code swarmcast.ui.port}, eight {@code
 * swarmcast executor} processes, and a 48 MiB broadcast they all read while the page is open. The
 * page must fill every executor's piece map from the live event stream and show each one verified;
 * its screenshot is saved as {@code target/swarm-page.png}. Needs Debian's {@code chromium} and
 * {@code chromium-driver} ({@code .ci/run} installs them); elsewhere it is skipped, saying so.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SwarmPageIT {
  private static final int EXECUTORS = 8;
  private static final File CHROMIUM = new File("/usr/bin/chromium");
  private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");

  @Test
  void everyPieceMapFillsAndEveryExecutorShowsVerified() throws Exception {
    boolean browser = CHROMIUM.canExecute() && CHROMEDRIVER.canExecute();
    if (System.getenv("CI") == null) {
      Assumptions.assumeTrue(
          browser,
          "no chromium and chromedriver in /usr/bin: apt-get install chromium chromium-driver");
    }
    assertThat(browser).as("CI installs chromium and chromium-driver (.ci/run)").isTrue();
    Path userData = Files.createTempDirectory("swarmcast-chromium-");
    SwarmConf conf =
        RoundOptions.cliDefaults()
            .set(SwarmConf.DRIVER_HOST, "127.0.0.1")
            .set(SwarmConf.DRIVER_PORT, "0")
            .set(SwarmConf.UI_PORT, "0")
            .set(SwarmConf.BLOCK_SIZE, "256k")
            .set(SwarmConf.MIN_BLOCK_SIZE, "64k");
    try (BroadcastManager manager = new BroadcastManager(true, conf, SecurityManager.insecure())) {
      DriverNode node = (DriverNode) BroadcastInternals.node(manager);
      try (LocalExecutors executors =
          LocalExecutors.start(EXECUTORS, node.endpoint(), List.of("-Xmx128m"), List.of())) {
        executors.awaitRegistered(node, EXECUTORS, 120);
        ChromeDriver browserDriver = chrome(userData);
        try {
          browserDriver.get("http://127.0.0.1:" + node.uiPort() + "/");
          new WebDriverWait(browserDriver, Duration.ofSeconds(30))
              .until(
                  d -> d.findElement(By.id("driver")).getText().contains(EXECUTORS + " executors"));

          byte[] value = new byte[48 << 20];
          new SplittableRandom(22).nextBytes(value);
          Broadcast<byte[]> b = manager.newBroadcast(value, false);
          byte[] task =
              new ReadTask(1, ReadTaskHandler.digest(value), BroadcastRounds.serialize(b)).encode();
          List<CompletableFuture<byte[]>> reads = new ArrayList<>();
          for (ExecutorInfo e : node.executors()) {
            reads.add(node.runTask(e.id(), task));
          }
          for (CompletableFuture<byte[]> r : reads) {
            r.get(120, TimeUnit.SECONDS);
          }

          // The page redraws every second, so each check reads the DOM in one script, never a stale
          // element.
          new WebDriverWait(browserDriver, Duration.ofSeconds(60))
              .until(
                  d ->
                      (Boolean)
                          ((JavascriptExecutor) d)
                              .executeScript(
                                  "const rows = [...document.querySelectorAll('#executors tbody tr')];"
                                      + "return document.body.dataset.complete === 'true' && rows.length === arguments[0]"
                                      + " && rows.every(r => r.textContent.includes('verified'));",
                                  EXECUTORS));
          @SuppressWarnings("unchecked")
          List<String> maps =
              (List<String>)
                  browserDriver.executeScript(
                      "return [...document.querySelectorAll('#executors canvas[data-pieces]')].map(c => c.dataset.count + '/' + c.dataset.pieces);");
          assertThat(maps)
              .hasSize(EXECUTORS)
              .allSatisfy(m -> assertThat(m.split("/")[0]).isEqualTo(m.split("/")[1]));
          assertThat(
                  (String)
                      browserDriver.executeScript(
                          "return document.getElementById('summary').textContent;"))
              .contains("seeded")
              .contains(EXECUTORS + "/" + EXECUTORS + " verified");
          assertThat(
                  (Long)
                      browserDriver.executeScript(
                          "return document.querySelectorAll('#matrix tr').length;"))
              .as("a matrix row per executor, and the header")
              .isEqualTo(EXECUTORS + 1L);

          // swarmcast status prints the same swarm as a table.
          ByteArrayOutputStream table = new ByteArrayOutputStream();
          StatusCommand.print(
              JSON.std.mapFrom(node.swarmJson(0, 100)),
              new PrintStream(table, true, StandardCharsets.UTF_8));
          assertThat(table.toString(StandardCharsets.UTF_8))
              .contains(EXECUTORS + " executors")
              .contains("Broadcast(" + b.id() + "), 48.0 MiB")
              .contains("seeded, " + EXECUTORS + "/" + EXECUTORS + " verified")
              .satisfies(t -> assertThat(t.split("verified", -1)).hasSize(EXECUTORS + 2));

          Path shot = Path.of("target", "swarm-page.png");
          Files.createDirectories(shot.getParent());
          Files.copy(
              ((TakesScreenshot) browserDriver).getScreenshotAs(OutputType.FILE).toPath(),
              shot,
              StandardCopyOption.REPLACE_EXISTING);
          assertThat(Files.size(shot)).isGreaterThan(10_000);
          assertThat(b.isValid()).isTrue();
        } finally {
          browserDriver.quit();
        }
        assertThat(executors.firstFailure()).isNull();
      }
    } finally {
      deleteTree(userData);
    }
  }

  private static ChromeDriver chrome(Path userData) {
    ChromeOptions options =
        new ChromeOptions()
            .setBinary(CHROMIUM)
            .addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--window-size=1400,900",
                "--user-data-dir=" + userData);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER)
            .usingAnyFreePort()
            .build();
    return new ChromeDriver(service, options);
  }

  private static void deleteTree(Path dir) throws Exception {
    if (Files.exists(dir)) {
      try (var walk = Files.walk(dir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
