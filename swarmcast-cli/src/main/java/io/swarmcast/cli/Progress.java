package io.swarmcast.cli;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on stderr when it is a terminal; otherwise nothing (logs and CI output stay clean,
 * and the summary line after each round says the same). Not thread-safe.
 */
final class Progress implements AutoCloseable {
  private final ProgressBar bar;

  private Progress(ProgressBar bar) {
    this.bar = bar;
  }

  static Progress start(PrintStream out, String task, long totalBytes) {
    if (System.console() == null) {
      return new Progress(null);
    }
    ProgressBar bar = new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(Math.max(1, totalBytes / (1 << 20)))
        .setUnit(" MiB", 1)
        .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
        .setConsumer(new ConsoleProgressBarConsumer(out))
        .setUpdateIntervalMillis(100)
        .showSpeed()
        .build();
    return new Progress(bar);
  }

  /** A bar from 0 to 100 %, for work measured as a share done. */
  static Progress percent(PrintStream out, String task) {
    if (System.console() == null) {
      return new Progress(null);
    }
    return new Progress(new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(100)
        .setUnit(" %", 1)
        .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
        .setConsumer(new ConsoleProgressBarConsumer(out))
        .setUpdateIntervalMillis(200)
        .build());
  }

  /** With {@link #percent}: {@code share} (0 to 1) is done. */
  void fraction(double share) {
    if (bar != null) {
      bar.stepTo(Math.round(share * 100));
    }
  }

  void set(long bytes) {
    if (bar != null) {
      bar.stepTo(bytes / (1 << 20));
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
