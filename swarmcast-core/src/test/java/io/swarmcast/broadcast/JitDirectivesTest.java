package io.swarmcast.broadcast;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The directive reaches this (HotSpot) JVM's compiler, once however often it is asked for. */
class JitDirectivesTest {
  @Test
  @Timeout(30)
  void addsTheC1OnlyDirectiveForSwarmcastClassesOnce() throws Exception {
    JitDirectives.keepSwarmcastOutOfC2();
    JitDirectives.keepSwarmcastOutOfC2();

    String printed = directives();
    assertThat(printed).contains("io/swarmcast/*.*");
    // One match for our pattern, not two: the second call did nothing.
    assertThat(printed.split("io/swarmcast/\\*\\.\\*", -1)).hasSize(2);
  }

  /** What {@code jcmd PID Compiler.directives_print} prints. */
  private static String directives() throws Exception {
    return (String)
        ManagementFactory.getPlatformMBeanServer()
            .invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"),
                "compilerDirectivesPrint",
                new Object[] {new String[0]},
                new String[] {String[].class.getName()});
  }
}
