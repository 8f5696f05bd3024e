package io.swarmcast.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The example of examples/spark, done as its README says: compiled against Spark and the shaded
 * jar, packed into an application jar, and run by spark-submit with {@code --jars} and {@code
 * --conf spark.plugins=…}. Keeps the README's command line honest.
 */
class LookupTableExampleIT {
  private static final int ENTRIES = 20_000;
  private static final int RECORDS = 200_000;

  @Test
  @Timeout(150)
  void theExampleRunsUnderSparkSubmitWithTheShadedJar() throws Exception {
    Path work = SparkJvm.workDir().resolve("example");
    Path classes = Files.createDirectories(work.resolve("classes"));
    Path appJar = work.resolve("lookup-table-example.jar");
    Path log = work.resolve("spark-submit.log");
    compile(classes);
    jar(classes, appJar);

    int exit =
        SparkJvm.submit(
            log,
            Duration.ofSeconds(120),
            List.of(
                "--master",
                "local[2]",
                "--conf",
                "spark.driver.host=127.0.0.1",
                "--conf",
                "spark.ui.enabled=false",
                "--jars",
                SparkJvm.shadedJar().toString(),
                "--conf",
                "spark.plugins=io.swarmcast.spark.SwarmcastPlugin",
                "--class",
                "example.LookupTableJob",
                appJar.toString(),
                Integer.toString(ENTRIES),
                Integer.toString(RECORDS)));

    assertThat(exit).as("spark-submit exit status; log:\n%s", SparkJvm.tail(log, 60)).isZero();
    int perPartition = RECORDS / 64;
    assertThat(Files.readString(log))
        .contains(
            "resolved "
                + expectedResolved()
                + " of "
                + perPartition * 64
                + " records against "
                + ENTRIES
                + " entries");
  }

  /**
   * The example's records are {@code sku-((p * 7919 + i * 31) mod 2·ENTRIES)}: those below ENTRIES
   * resolve.
   */
  private static long expectedResolved() {
    long n = 0;
    for (int p = 0; p < 64; p++) {
      for (int i = 0; i < RECORDS / 64; i++) {
        if ((p * 7919L + i * 31L) % (ENTRIES * 2L) < ENTRIES) {
          n++;
        }
      }
    }
    return n;
  }

  private static void compile(Path classes) throws IOException {
    Path source =
        Path.of(
            System.getProperty("swarmcastSpark.examples"),
            "src",
            "main",
            "java",
            "example",
            "LookupTableJob.java");
    List<String> classPath = new ArrayList<>();
    try (Stream<Path> jars = Files.list(SparkJvm.sparkJars())) {
      jars.map(Path::toString).forEach(classPath::add);
    }
    classPath.add(SparkJvm.shadedJar().toString());
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int status =
        javac.run(
            null,
            null,
            null,
            "--release",
            "17",
            "-d",
            classes.toString(),
            "-classpath",
            String.join(File.pathSeparator, classPath),
            source.toString());
    assertThat(status).as("javac of " + source).isZero();
  }

  private static void jar(Path classes, Path jar) throws IOException {
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream jos = new JarOutputStream(out);
        Stream<Path> files = Files.walk(classes)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        jos.putNextEntry(
            new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
        Files.copy(f, jos);
        jos.closeEntry();
      }
    }
  }
}
