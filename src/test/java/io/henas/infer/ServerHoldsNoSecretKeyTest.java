package io.henas.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.henas.rlwe.SecretKey;

/**
 * The server side cannot reach a secret key: walking the declared field types (and their generic arguments) of the
 * server types transitively through henas classes never meets {@link SecretKey}, and no server constructor takes one.
 */
class ServerHoldsNoSecretKeyTest {
    /** The evaluator types, and the HTTP server holding one per session ({@code henas serve}). */
    static final List<Class<?>> SERVER_TYPES = List.of(InferenceServer.class, CkksPlanBackend.class,
            io.henas.serve.HenasServer.class);

    /** Every class reachable through declared instance fields of {@code root}, with the path that reaches it. */
    static List<String> reachable(Class<?> root, Class<?> target) {
        List<String> hits = new ArrayList<>();
        Set<Type> seen = new HashSet<>();
        Deque<Object[]> todo = new ArrayDeque<>();
        todo.add(new Object[]{root, root.getSimpleName()});
        while (!todo.isEmpty()) {
            Object[] cur = todo.poll();
            Type t = (Type) cur[0];
            String path = (String) cur[1];
            if (!seen.add(t)) {
                continue;
            }
            if (t instanceof ParameterizedType p) {
                todo.add(new Object[]{p.getRawType(), path});
                for (Type a : p.getActualTypeArguments()) {
                    todo.add(new Object[]{a, path + "<" + a.getTypeName() + ">"});
                }
                continue;
            }
            if (!(t instanceof Class<?> c)) {
                continue;
            }
            if (c.isArray()) {
                todo.add(new Object[]{c.getComponentType(), path + "[]"});
                continue;
            }
            if (target.isAssignableFrom(c) || c == Object.class) {
                hits.add(path + " : " + c.getName());
                continue;
            }
            if (!c.getName().startsWith("io.henas.")) {
                continue; // JDK types: only their generic arguments (walked above) can hold henas objects
            }
            for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
                for (Field f : k.getDeclaredFields()) {
                    if (!Modifier.isStatic(f.getModifiers())) {
                        todo.add(new Object[]{f.getGenericType(), path + "." + f.getName()});
                    }
                }
            }
        }
        return hits;
    }

    @Test
    void noServerFieldIsOrContainsASecretKey() {
        for (Class<?> c : SERVER_TYPES) {
            List<String> hits = reachable(c, SecretKey.class);
            assertEquals(List.of(), hits, c.getSimpleName() + " reaches a secret key (or an untyped Object)");
        }
    }

    @Test
    void theWalkFindsTheClientsKey() {
        assertFalse(reachable(InferenceClient.class, SecretKey.class).isEmpty(), "the walk must see the client's key");
    }

    @Test
    void serverConstructorsTakeNoSecretKey() {
        for (Class<?> c : SERVER_TYPES) {
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                for (Class<?> p : k.getParameterTypes()) {
                    assertTrue(reachable(p, SecretKey.class).isEmpty(), c.getSimpleName() + " constructor takes " + p);
                }
            }
        }
    }
}
