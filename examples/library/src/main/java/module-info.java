/**
 * The library example as a named module: it compiles against Swarmcast's exported packages only, so
 * a use of an internal package (the node, the tracker, the transport) fails the build.
 */
module example.library {
  requires io.swarmcast.core;
}
