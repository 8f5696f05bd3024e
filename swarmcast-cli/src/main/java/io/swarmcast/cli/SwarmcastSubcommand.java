package io.swarmcast.cli;

/**
 * A {@code swarmcast} command that another module provides: a picocli {@code @Command} class with a
 * public no-argument constructor, named in that module's {@code
 * META-INF/services/io.swarmcast.cli.SwarmcastSubcommand}. {@link SwarmcastCli#commandLine()} adds
 * every one on the class path, so this module depends on none of them: swarmcast-bench's {@code
 * bench} is one, and swarmcast-app's {@code swarmcast.jar} holds both modules.
 */
public interface SwarmcastSubcommand {}
