package io.swarmcast.cli;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on stderr when it is a terminal; otherwise nothing for rounds (logs and CI output
 * stay clean, and the summary line after each round says the same) and a line per tenth for long
 * simulations. Not thread-safe.
 */
final class Progress implements AutoCloseable {
  private final ProgressBar bar;

  /**
   * Without a terminal, {@link #percent} work prints a line per tenth done here instead (null:
   * nothing).
   */
  private final PrintStream lines;

  private final String task;
  private long lastTenth;

  private Progress(ProgressBar bar) {
    this(bar, null, "");
  }

  private Progress(ProgressBar bar, PrintStream lines, String task) {
    this.bar = bar;
    this.lines = lines;
    this.task = task;
  }

  static Progress start(PrintStream out, String task, long totalBytes) {
    if (System.console() == null) {
      return new Progress(null);
    }
    ProgressBar bar =
        new ProgressBarBuilder()
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
      return new Progress(
          null, out, task); // a log gets a line per tenth: long work shows it is moving
    }
    return new Progress(
        new ProgressBarBuilder()
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
    } else if (lines != null && (long) (share * 10) > lastTenth) {
      lastTenth = (long) (share * 10);
      lines.println(task + ": " + lastTenth * 10 + " % of the pieces delivered");
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
