package io.swarmcast.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ProcStatTest {
  /** A real line's layout: pid (comm) state ppid ... utime=1523 stime=311 cutime=7 cstime=2 ... */
  private static final String STAT =
      "4242 (java) S 1 4242 4242 0 -1 4194560 91234 0 12 0 1523 311 7 2 20 0 41 0 "
          + "123456 5368709120 60000 18446744073709551615 1 1 0 0 0 0 0 4096 16796879 0 0 0 17 1 0 0 0 0 0";

  @Test
  void sumsUserAndSystemTicksButNotTheChildrens() {
    assertThat(ProcStat.cpuTicks(STAT)).isEqualTo(1523 + 311);
  }

  @Test
  void aCommandNameWithSpacesAndParenthesesDoesNotShiftTheFields() {
    assertThat(ProcStat.cpuTicks(STAT.replace("(java)", "(my (odd) cmd) x)"))).isEqualTo(1834);
    assertThat(ProcStat.cpuTicks(STAT.replace("(java)", "())"))).isEqualTo(1834);
  }

  @Test
  void refusesWhatIsNotAStatLineQuotingIt() {
    assertThatThrownBy(() -> ProcStat.cpuTicks("4242 java S 1")).hasMessageContaining("no ')'");
    assertThatThrownBy(() -> ProcStat.cpuTicks("4242 (java) S 1 2 3"))
        .hasMessageContaining("fewer than 15 fields")
        .hasMessageContaining("(java) S 1 2 3");
    assertThatThrownBy(() -> ProcStat.cpuTicks(STAT.replace(" 1523 ", " lots ")))
        .hasMessageContaining("not a number");
  }

  @Test
  void readsThisProcessAndNothingForAProcessThatIsGone() {
    if (Files.exists(Path.of("/proc/self/stat"))) {
      assertThat(ProcStat.cpuTicks(ProcessHandle.current().pid())).isPresent();
    }
    assertThat(ProcStat.cpuTicks(Long.MAX_VALUE)).isEmpty();
    assertThat(ProcStat.ticksPerSecond()).isPositive();
  }
}
