/**
 * Swarmcast: broadcast variables for a cluster of JVMs.
 *
 * <p>The API is five packages: {@link io.swarmcast.broadcast} (start a node, broadcast values and
 * files, {@code unpersist}/{@code destroy}), {@link io.swarmcast.conf} (the one configuration
 * object and its typed keys), {@link io.swarmcast.security} (shared secret and TLS), {@link
 * io.swarmcast.serializer} (how values become bytes) and {@link io.swarmcast.metrics} (what a node
 * reports). Everything else (the node, the fetch scheduler, the tracker, the piece stores, the wire
 * protocol and the transport) is internal and not exported: it changes without notice.
 *
 * <p>The CLI, the Spark plugin and the simulator are this project's own code and run on the class
 * path, where the module boundary does not apply.
 */
@SuppressWarnings("requires-automatic") // lz4-java, Kryo and Objenesis name themselves in MANIFEST
module io.swarmcast.core {
  requires io.netty.buffer;
  requires io.netty.common;
  requires io.netty.transport;
  requires io.netty.handler;
  requires io.netty.codec;
  requires io.netty.codec.http;
  requires io.netty.transport.classes.epoll;
  requires org.slf4j;
  requires org.lz4.java;
  requires com.github.luben.zstd_jni;
  requires com.esotericsoftware.kryo;
  requires org.objenesis;
  requires java.management;
  requires jdk.management;

  exports io.swarmcast.broadcast;
  exports io.swarmcast.conf;
  exports io.swarmcast.metrics;
  exports io.swarmcast.security;
  exports io.swarmcast.serializer;
}
