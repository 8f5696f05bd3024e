package io.swarmcast.leak;

import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;

/**
 * Netty's leak detector, which also keeps every leak it reports, so that a test run can fail on one
 * ({@link LeakCheckExtension}) instead of only logging it. Installed for the whole test JVM with
 * {@code -Dio.netty.customResourceLeakDetector=io.swarmcast.leak.RecordingLeakDetector} (see the
 * surefire and failsafe configuration); Netty instantiates it through one of these constructors.
 * Thread-safe.
 */
public final class RecordingLeakDetector<T> extends ResourceLeakDetector<T> {
  private static final List<String> LEAKS = new ArrayList<>();

  public RecordingLeakDetector(Class<?> resourceType, int samplingInterval) {
    super(resourceType, samplingInterval);
  }

  public RecordingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
    this(resourceType, samplingInterval);
  }

  /** Whether the JVM's leak detector is this one (the property is set and the class was found). */
  public static boolean installed() {
    return RecordingLeakDetector.class
        .getName()
        .equals(System.getProperty("io.netty.customResourceLeakDetector"));
  }

  /** The leaks reported since the last call, and forgets them. */
  public static synchronized List<String> drain() {
    List<String> out = List.copyOf(LEAKS);
    LEAKS.clear();
    return out;
  }

  private static synchronized void record(String leak) {
    LEAKS.add(leak);
  }

  @Override
  protected boolean needReport() {
    return true; // record even when the logger would not print
  }

  @Override
  protected void reportTracedLeak(String resourceType, String records) {
    record(
        "LEAK: "
            + resourceType
            + ".release() was not called before it was garbage-collected."
            + records);
    super.reportTracedLeak(resourceType, records);
  }

  @Override
  protected void reportUntracedLeak(String resourceType) {
    record(
        "LEAK: "
            + resourceType
            + ".release() was not called before it was garbage-collected (untraced).");
    super.reportUntracedLeak(resourceType);
  }
}
