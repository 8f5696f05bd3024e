package io.swarmcast.security.internal;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.swarmcast.conf.ConfKey;
import io.swarmcast.conf.ConfigException;
import io.swarmcast.conf.SwarmConf;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's TLS 1.3 set-up ({@code swarmcast.tls.*}): the server and client contexts every
 * pipeline's {@link SslHandler} comes from. Both sides of a connection show a certificate and the
 * other side verifies it (mutual TLS; a server requires a client certificate).
 *
 * <ul>
 *   <li>PEM files ({@code certFile}, {@code keyFile}, {@code trustFile}): a peer's chain must lead
 *       to a certificate of {@code trustFile} and be within its validity. Host names are not
 *       checked: nodes find each other by the addresses they advertise, and any holder of a cluster
 *       certificate is a member.
 *   <li>{@code selfSigned}: a throwaway certificate per node ({@link ThrowawayCertificate}); the
 *       TLS layer accepts any certificate, and the shared-secret handshake checks both fingerprints
 *       ({@link ChannelBinding}) — so a secret is required.
 * </ul>
 *
 * The provider is OpenSSL (netty-tcnative BoringSSL) when it loads and {@code
 * swarmcast.tls.provider} allows it, the JDK's otherwise; which one is logged once per JVM.
 * Immutable and thread-safe.
 */
public final class Tls {
  private static final Logger LOG = LoggerFactory.getLogger(Tls.class);
  private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();
  private static final String[] PROTOCOLS = {"TLSv1.3"};

  private final SslContext server;
  private final SslContext client;
  private final SslProvider provider;
  private final boolean selfSigned;

  private Tls(SslContext server, SslContext client, SslProvider provider, boolean selfSigned) {
    this.server = server;
    this.client = client;
    this.provider = provider;
    this.selfSigned = selfSigned;
  }

  /**
   * TLS as {@code conf} says, or null when {@code swarmcast.tls.enabled} is false; {@code
   * hasSecret}: a shared secret is set.
   */
  public static Tls fromConf(SwarmConf conf, boolean hasSecret) {
    boolean selfSigned = conf.get(SwarmConf.TLS_SELF_SIGNED);
    String cert = conf.get(SwarmConf.TLS_CERT_FILE);
    String key = conf.get(SwarmConf.TLS_KEY_FILE);
    String trust = conf.get(SwarmConf.TLS_TRUST_FILE);
    boolean anyFile = !cert.isEmpty() || !key.isEmpty() || !trust.isEmpty();
    if (!conf.get(SwarmConf.TLS_ENABLED)) {
      if (selfSigned || anyFile) {
        throw new ConfigException(
            "swarmcast.tls.* is set but "
                + SwarmConf.TLS_ENABLED.name()
                + " is false: set it to true");
      }
      return null;
    }
    SslProvider provider = provider(conf.get(SwarmConf.TLS_PROVIDER));
    try {
      SslContextBuilder serverB;
      SslContextBuilder clientB;
      if (selfSigned) {
        if (anyFile) {
          throw new ConfigException(
              SwarmConf.TLS_SELF_SIGNED.name() + "=true takes no certFile, keyFile or trustFile");
        }
        if (!hasSecret) {
          throw new ConfigException(
              SwarmConf.TLS_SELF_SIGNED.name()
                  + "=true needs a shared secret ("
                  + SwarmConf.AUTH_SECRET.name()
                  + " or "
                  + SwarmConf.AUTH_SECRET_FILE.name()
                  + "): a self-signed certificate is verified only through the authenticated handshake");
        }
        ThrowawayCertificate mine = ThrowawayCertificate.create("swarmcast-node", 30);
        serverB = SslContextBuilder.forServer(mine.keyPair.getPrivate(), mine.certificate);
        clientB =
            SslContextBuilder.forClient().keyManager(mine.keyPair.getPrivate(), mine.certificate);
        // Any certificate passes here; ChannelBinding in the authenticated handshake is the check.
        serverB.trustManager(InsecureTrustManagerFactory.INSTANCE);
        clientB.trustManager(InsecureTrustManagerFactory.INSTANCE);
      } else {
        File certFile = readable(SwarmConf.TLS_CERT_FILE, cert);
        File keyFile = readable(SwarmConf.TLS_KEY_FILE, key);
        File trustFile = readable(SwarmConf.TLS_TRUST_FILE, trust);
        serverB = SslContextBuilder.forServer(certFile, keyFile).trustManager(trustFile);
        clientB =
            SslContextBuilder.forClient().keyManager(certFile, keyFile).trustManager(trustFile);
      }
      SslContext server =
          serverB.sslProvider(provider).protocols(PROTOCOLS).clientAuth(ClientAuth.REQUIRE).build();
      SslContext client =
          clientB
              .sslProvider(provider)
              .protocols(PROTOCOLS)
              .endpointIdentificationAlgorithm(
                  null) // see the class comment: members are known by certificate, not name
              .build();
      if (LOGGED.add(provider.name())) {
        LOG.info(
            "TLS 1.3 with the {} provider{}",
            provider == SslProvider.OPENSSL ? "OpenSSL (BoringSSL)" : "JDK",
            selfSigned
                ? ", self-signed certificates checked through the shared-secret handshake"
                : "");
        if (provider == SslProvider.JDK && withoutC2()) {
          LOG.warn(
              "TLS with the JDK provider in a JVM without C2 (-XX:TieredStopAtLevel below 4) costs about ten times "
                  + "the CPU of OpenSSL: the JDK's AES-GCM is fast only with C2's intrinsics (docs/PERFORMANCE.md, issue 13)");
        }
      }
      return new Tls(server, client, provider, selfSigned);
    } catch (ConfigException e) {
      throw e; // already says which key is wrong
    } catch (SSLException | IllegalArgumentException e) {
      throw new ConfigException(
          "cannot set up TLS from "
              + (selfSigned ? "a self-signed certificate" : cert + ", " + key + " and " + trust)
              + ": "
              + e.getMessage());
    }
  }

  /**
   * True if this JVM was told to stop below C2 (the ./swarmcast wrapper's default): measured in
   * issue 13.
   */
  private static boolean withoutC2() {
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("-XX:TieredStopAtLevel=") && !arg.endsWith("=4")) {
        return true;
      }
    }
    return false;
  }

  private static SslProvider provider(String choice) {
    return switch (choice) {
      case "jdk" -> SslProvider.JDK;
      case "openssl" -> {
        if (!OpenSsl.isAvailable()) {
          throw new ConfigException(
              SwarmConf.TLS_PROVIDER.name()
                  + "=openssl but OpenSSL (netty-tcnative) did not load: "
                  + OpenSsl.unavailabilityCause());
        }
        yield SslProvider.OPENSSL;
      }
      default -> OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    };
  }

  private static File readable(ConfKey<String> key, String path) {
    if (path.isEmpty()) {
      throw new ConfigException(
          SwarmConf.TLS_ENABLED.name()
              + "=true needs "
              + key.name()
              + " (or "
              + SwarmConf.TLS_SELF_SIGNED.name()
              + "=true with a shared secret)");
    }
    File f = new File(path);
    if (!f.canRead()) {
      throw new ConfigException(key.name() + ": cannot read " + path);
    }
    return f;
  }

  /**
   * The handler for a connection this node accepted: it requires and verifies a client certificate.
   */
  public SslHandler serverHandler(ByteBufAllocator alloc) {
    return server.newHandler(alloc);
  }

  /** The handler for a connection this node opens to {@code host:port}. */
  public SslHandler clientHandler(ByteBufAllocator alloc, String host, int port) {
    return client.newHandler(alloc, host, port);
  }

  /** {@code "openssl"} or {@code "jdk"}. */
  public String provider() {
    return provider == SslProvider.OPENSSL ? "openssl" : "jdk";
  }

  public boolean selfSigned() {
    return selfSigned;
  }
}
