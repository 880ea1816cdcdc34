package io.stormnative;

import java.util.HashMap;

/**
 * The input tuples an in-process bolt has handed to its component and not yet seen acked or
 * failed, by the id they were sent with. The tuple of the call in progress sits in a slot of its
 * own: a component built on storm-multilang acks or fails it before the call returns, so nearly
 * every tuple enters and leaves flight without a map entry or a boxed id. One that outlives its
 * call ({@link #endCall}) moves to a map. Used by one thread (the task's executor).
 *
 * @param <T> the tuple type
 */
final class InFlight<T> {
    private long currentId = -1;
    private T current;
    private final HashMap<Long, T> later = new HashMap<>();

    /** The call handing tuple {@code t} (id {@code id}, from 0, new) to the component starts. */
    void startCall(long id, T t) {
        endCall();
        currentId = id;
        current = t;
    }

    /** The call ends: its tuple, if still in flight, stays so until acked or failed. */
    void endCall() {
        if (current != null) {
            later.put(currentId, current);
            current = null;
        }
        currentId = -1;
    }

    /** The tuple in flight with this id; null if none. */
    T get(long id) {
        if (id < 0) {
            return null;
        }
        return id == currentId ? current : later.get(id);
    }

    /** Takes the tuple in flight with this id out of flight; null if none (then nothing changes). */
    T take(long id) {
        if (id < 0) {
            return null;
        }
        if (id == currentId) {
            T t = current;
            current = null;
            currentId = -1;
            return t;
        }
        return later.remove(id);
    }

    /** The id of tuple {@code t} (the same object) if in flight, else -1. */
    long idOf(T t) {
        if (t == current) {
            return currentId;
        }
        for (var e : later.entrySet()) {
            if (e.getValue() == t) {
                return e.getKey();
            }
        }
        return -1;
    }

    /** How many tuples are in flight. */
    int size() {
        return later.size() + (current == null ? 0 : 1);
    }
}
