package io.swarmcast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcast.conf.SwarmConf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The CLI's security options: the keys they set, the command line they pass on, and --secure's
 * secret file.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SecurityOptionsTest {
  @TempDir Path dir;

  private static ExecutorCommand parseExecutor(String... args) {
    ExecutorCommand cmd = new ExecutorCommand();
    new CommandLine(cmd).parseArgs(args);
    return cmd;
  }

  @Test
  void eachOptionSetsItsKeyAndComesBackAsTheSameCommandLine() {
    ExecutorCommand cmd =
        parseExecutor(
            "--driver",
            "127.0.0.1:7077",
            "--secret-file",
            "/etc/swarmcast/secret",
            "--tls-cert",
            "/c.pem",
            "--tls-key",
            "/k.pem",
            "--tls-trust",
            "/ca.pem",
            "--tls-provider",
            "jdk");
    SwarmConf conf =
        cmd.security.apply(new SwarmConf().set(SwarmConf.AUTH_SECRET, "from the environment"));
    assertThat(conf.get(SwarmConf.AUTH_SECRET))
        .as("the file given on the command line wins")
        .isEmpty();
    assertThat(conf.get(SwarmConf.AUTH_SECRET_FILE)).isEqualTo("/etc/swarmcast/secret");
    assertThat(conf.get(SwarmConf.TLS_ENABLED)).as("--tls-cert implies --tls").isTrue();
    assertThat(conf.get(SwarmConf.TLS_CERT_FILE)).isEqualTo("/c.pem");
    assertThat(conf.get(SwarmConf.TLS_KEY_FILE)).isEqualTo("/k.pem");
    assertThat(conf.get(SwarmConf.TLS_TRUST_FILE)).isEqualTo("/ca.pem");
    assertThat(conf.get(SwarmConf.TLS_PROVIDER)).isEqualTo("jdk");

    List<String> passedOn = cmd.security.args();
    assertThat(passedOn)
        .containsExactly(
            "--secret-file",
            "/etc/swarmcast/secret",
            "--tls-cert",
            "/c.pem",
            "--tls-key",
            "/k.pem",
            "--tls-trust",
            "/ca.pem",
            "--tls-provider",
            "jdk");
    List<String> again = new ArrayList<>(List.of("--driver", "127.0.0.1:7077"));
    again.addAll(passedOn);
    assertThat(parseExecutor(again.toArray(String[]::new)).security.asConf())
        .isEqualTo(cmd.security.asConf());
  }

  @Test
  void noOptionsLeaveSecurityOff() {
    ExecutorCommand cmd = parseExecutor("--driver", "127.0.0.1:7077");
    assertThat(cmd.security.args()).isEmpty();
    assertThat(cmd.security.asConf()).isEmpty();
    assertThat(cmd.security.apply(new SwarmConf()).get(SwarmConf.TLS_ENABLED)).isFalse();
  }

  @Test
  void secureWritesAFreshOwnerOnlySecretAndAsksForSelfSignedTls() throws Exception {
    SecurityOptions a = SecurityOptions.secure(Files.createDirectory(dir.resolve("a")), null);
    SecurityOptions b =
        SecurityOptions.secure(
            Files.createDirectory(dir.resolve("b")), SecurityOptions.Provider.openssl);
    assertThat(Files.readString(a.secretFile))
        .hasSize(44)
        .isNotEqualTo(Files.readString(b.secretFile));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(a.secretFile)))
        .isEqualTo("rw-------");
    assertThat(a.args())
        .containsExactly("--secret-file", a.secretFile.toString(), "--tls-self-signed");
    assertThat(b.asConf())
        .containsExactly(
            "swarmcast.auth.secretFile=" + b.secretFile,
            "swarmcast.tls.enabled=true",
            "swarmcast.tls.selfSigned=true",
            "swarmcast.tls.provider=openssl");
    SecurityOptions.deleteSecureDir(dir.resolve("a"));
    assertThat(dir.resolve("a")).doesNotExist();
  }
}
