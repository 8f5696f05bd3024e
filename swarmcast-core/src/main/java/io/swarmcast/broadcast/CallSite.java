package io.swarmcast.broadcast;

/** The user code that called into Swarmcast, as {@code Class.method(File.java:line)}. Stateless. */
final class CallSite {
  private CallSite() {}

  /**
   * The first stack frame outside Swarmcast's own broadcast package; "unknown" if there is none.
   */
  static String capture() {
    return StackWalker.getInstance()
        .walk(
            frames ->
                frames
                    .filter(
                        f -> !f.getClassName().startsWith(CallSite.class.getPackageName() + "."))
                    .findFirst()
                    .map(
                        f ->
                            f.getClassName()
                                + "."
                                + f.getMethodName()
                                + "("
                                + f.getFileName()
                                + ":"
                                + f.getLineNumber()
                                + ")")
                    .orElse("unknown"));
  }
}
