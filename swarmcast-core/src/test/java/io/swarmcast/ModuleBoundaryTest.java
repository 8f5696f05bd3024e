package io.swarmcast;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The module exports the API packages and nothing else, and the API names no type it does not
 * export: every public or protected member (declared or inherited) of a public class in an exported
 * package takes, returns and throws only JDK types and exported Swarmcast types, type arguments and
 * bounds included, and no public class extends or implements an unexported public type. Read from
 * the compiled module descriptor and the compiled classes, so it checks what users get.
 */
@Timeout(30)
class ModuleBoundaryTest {
  private static final Path CLASSES = Path.of("target/classes");

  private static ModuleDescriptor descriptor() throws IOException {
    try (InputStream in = Files.newInputStream(CLASSES.resolve("module-info.class"))) {
      return ModuleDescriptor.read(in);
    }
  }

  @Test
  void onlyTheApiPackagesAreExported() throws IOException {
    ModuleDescriptor module = descriptor();
    assertThat(module.name()).isEqualTo("io.swarmcast.core");
    assertThat(module.exports())
        .allSatisfy(e -> assertThat(e.isQualified()).as("qualified export %s", e).isFalse());
    assertThat(module.exports().stream().map(ModuleDescriptor.Exports::source))
        .containsExactlyInAnyOrder(
            "io.swarmcast.broadcast",
            "io.swarmcast.conf",
            "io.swarmcast.metrics",
            "io.swarmcast.security",
            "io.swarmcast.serializer");
  }

  @Test
  void theApiNamesNoInternalType() throws Exception {
    Set<String> exported =
        descriptor().exports().stream()
            .map(ModuleDescriptor.Exports::source)
            .collect(Collectors.toSet());
    List<String> leaks = new ArrayList<>();
    for (String pkg : exported) {
      for (Class<?> c : publicClassesIn(pkg)) {
        // Declared and inherited members: a public method of a package-private superclass is
        // API of its public subclass.
        Set<Executable> members = new LinkedHashSet<>(List.of(c.getMethods()));
        members.addAll(List.of(c.getDeclaredMethods()));
        members.addAll(List.of(c.getDeclaredConstructors()));
        for (Executable e : members) {
          if (!visible(e.getModifiers()) || e.isSynthetic()) {
            continue;
          }
          List<Type> types = new ArrayList<>(List.of(e.getGenericParameterTypes()));
          types.addAll(List.of(e.getGenericExceptionTypes()));
          if (e instanceof Method m) {
            types.add(m.getGenericReturnType());
          }
          for (Type t : types) {
            for (Class<?> named : classesIn(t, new HashSet<>())) {
              if (!allowed(named, exported)) {
                leaks.add(c.getName() + "." + e.getName() + " uses " + named.getName());
              }
            }
          }
        }
        for (Field f : c.getFields()) {
          for (Class<?> named : classesIn(f.getGenericType(), new HashSet<>())) {
            if (!allowed(named, exported)) {
              leaks.add(c.getName() + "." + f.getName() + " is a " + named.getName());
            }
          }
        }
        for (Type sup : supertypes(c)) {
          for (Class<?> named : classesIn(sup, new HashSet<>())) {
            if (Modifier.isPublic(named.getModifiers()) && !allowed(named, exported)) {
              leaks.add(c.getName() + " extends or implements " + named.getName());
            }
          }
        }
      }
    }
    assertThat(leaks).as("public API members naming types the module does not export").isEmpty();
  }

  private static List<Type> supertypes(Class<?> c) {
    List<Type> all = new ArrayList<>(List.of(c.getGenericInterfaces()));
    if (c.getGenericSuperclass() != null) {
      all.add(c.getGenericSuperclass());
    }
    return all;
  }

  /** Every class {@code type} names: itself, its type arguments, bounds and array components. */
  private static Set<Class<?>> classesIn(Type type, Set<Type> seen) {
    Set<Class<?>> out = new LinkedHashSet<>();
    if (!seen.add(type)) {
      return out;
    }
    if (type instanceof Class<?> c) {
      out.add(c);
    } else if (type instanceof ParameterizedType p) {
      out.addAll(classesIn(p.getRawType(), seen));
      for (Type a : p.getActualTypeArguments()) {
        out.addAll(classesIn(a, seen));
      }
    } else if (type instanceof GenericArrayType a) {
      out.addAll(classesIn(a.getGenericComponentType(), seen));
    } else if (type instanceof WildcardType w) {
      for (Type b : w.getUpperBounds()) {
        out.addAll(classesIn(b, seen));
      }
      for (Type b : w.getLowerBounds()) {
        out.addAll(classesIn(b, seen));
      }
    } else if (type instanceof TypeVariable<?> v) {
      for (Type b : v.getBounds()) {
        out.addAll(classesIn(b, seen));
      }
    }
    return out;
  }

  private static boolean visible(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  private static boolean allowed(Class<?> type, Set<String> exported) {
    while (type.isArray()) {
      type = type.getComponentType();
    }
    if (type.isPrimitive()) {
      return true;
    }
    String pkg = type.getPackageName();
    if (!pkg.startsWith("io.swarmcast")) {
      return pkg.startsWith("java.") || pkg.startsWith("javax.");
    }
    return exported.contains(pkg);
  }

  private static Set<Class<?>> publicClassesIn(String pkg) throws Exception {
    Path dir = CLASSES.resolve(pkg.replace('.', '/'));
    Set<Class<?>> classes = new TreeSet<>((a, b) -> a.getName().compareTo(b.getName()));
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String name = f.getFileName().toString();
        if (!name.endsWith(".class")) {
          continue;
        }
        Class<?> c =
            Class.forName(
                pkg + "." + name.substring(0, name.length() - 6),
                false,
                ModuleBoundaryTest.class.getClassLoader());
        if (Modifier.isPublic(c.getModifiers())
            && (c.getEnclosingClass() == null
                || Modifier.isPublic(c.getEnclosingClass().getModifiers()))) {
          classes.add(c);
        }
      }
    }
    assertThat(classes).as("public classes in %s", pkg).isNotEmpty();
    return classes;
  }
}
