package io.swarmcast.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.ReferenceCountUtil;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link MessageType} is the one table of message types: it and the sealed {@link Message} agree
 * one to one, each type's record says it is of that type, and every inbound message reaches exactly
 * its own {@link MessageVisitor} method. (That every node handles every inbound message is the
 * compiler's to check: {@code MessageVisitor} has no default methods.)
 */
@Timeout(10)
class MessageTypeTest {

  @Test
  void everyPermittedRecordHasExactlyOneTypeAndEveryTypeIsPermitted() {
    assertThat(MessageType.mismatch()).isNull();
    Set<Class<?>> listed = new HashSet<>();
    for (MessageType t : MessageType.values()) {
      assertThat(listed.add(t.messageClass())).as("%s listed twice", t.messageClass()).isTrue();
    }
    assertThat(listed).isEqualTo(MessageType.permittedRecords());
    assertThat(listed).hasSize(MessageType.values().length).allMatch(Class::isRecord);
  }

  @Test
  void theSealedTreeHasThreeKindsAndEveryRecordIsOfExactlyOne() {
    assertThat(Message.class.getPermittedSubclasses())
        .containsExactlyInAnyOrder(
            Message.Opening.class, Message.Response.class, Message.Inbound.class);
    for (Class<?> record : MessageType.permittedRecords()) {
      long kinds =
          List.of(Message.Opening.class, Message.Response.class, Message.Inbound.class).stream()
              .filter(k -> k.isAssignableFrom(record))
              .count();
      assertThat(kinds).as("kinds of %s", record.getSimpleName()).isEqualTo(1);
    }
  }

  @Test
  void eachSampleIsOfTheTypeWhoseRecordItIs() {
    List<Message> samples = MessageCodecTest.samples();
    try {
      for (Message m : samples) {
        assertThat(m.type().messageClass()).as("type of %s", m).isEqualTo(m.getClass());
      }
    } finally {
      samples.forEach(ReferenceCountUtil::release);
    }
  }

  @Test
  void theVisitorHasOneAbstractMethodPerInboundMessageAndNoDefaults() {
    Set<Class<?>> inbound = Set.of(Message.Inbound.class.getPermittedSubclasses());
    Set<Class<?>> visited = new HashSet<>();
    for (Method m : MessageVisitor.class.getDeclaredMethods()) {
      assertThat(m.isDefault()).as("%s is a default method", m.getName()).isFalse();
      assertThat(Modifier.isAbstract(m.getModifiers())).isTrue();
      assertThat(m.getParameterCount()).isEqualTo(2);
      assertThat(visited.add(m.getParameterTypes()[1]))
          .as("two methods for %s", m.getParameterTypes()[1])
          .isTrue();
    }
    assertThat(visited).isEqualTo(inbound);
  }

  @Test
  void everyInboundMessageCallsItsOwnVisitorMethod() {
    AtomicReference<Method> called = new AtomicReference<>();
    @SuppressWarnings("unchecked")
    MessageVisitor<String> visitor =
        (MessageVisitor<String>)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {MessageVisitor.class},
                (proxy, method, args) -> {
                  assertThat(called.getAndSet(method)).as("one call per accept").isNull();
                  assertThat(args[0]).isEqualTo("conn");
                  return null;
                });
    List<Message> samples = MessageCodecTest.samples();
    try {
      int inbound = 0;
      for (Message m : samples) {
        if (m instanceof Message.Inbound in) {
          in.accept(visitor, "conn");
          assertThat(Arrays.asList(called.getAndSet(null).getParameterTypes()))
              .as("method called for %s", m)
              .containsExactly(Object.class, m.getClass());
          inbound++;
        }
      }
      assertThat(inbound).isEqualTo(Message.Inbound.class.getPermittedSubclasses().length);
    } finally {
      samples.forEach(ReferenceCountUtil::release);
    }
  }
}
