package com.example.wordcount;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.storm.hooks.BaseTaskHook;
import org.apache.storm.hooks.info.BoltAckInfo;
import org.apache.storm.hooks.info.BoltFailInfo;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.utils.TupleUtils;

/**
 * A task hook ({@code topology.auto.task.hooks}) counting the tick tuples each bolt acked and
 * failed: a ShellBolt acks (or fails) an input only when its subprocess says so, so these are the
 * native runner's answers to ticks.
 */
public class TickHook extends BaseTaskHook {
    private static final Map<String, AtomicLong> COUNTS = new ConcurrentHashMap<>();
    private String key;

    @Override
    public void prepare(Map<String, Object> conf, TopologyContext context) {
        key = context.getStormId() + "/" + context.getThisComponentId();
    }

    @Override
    public void boltAck(BoltAckInfo info) {
        if (TupleUtils.isTick(info.tuple)) {
            COUNTS.computeIfAbsent(key + "/acked", k -> new AtomicLong()).incrementAndGet();
        }
    }

    @Override
    public void boltFail(BoltFailInfo info) {
        if (TupleUtils.isTick(info.tuple)) {
            COUNTS.computeIfAbsent(key + "/failed", k -> new AtomicLong()).incrementAndGet();
        }
    }

    /** Ticks {@code component} of topology {@code stormId} acked ({@code what} "acked") or failed. */
    static long count(String stormId, String component, String what) {
        AtomicLong n = COUNTS.get(stormId + "/" + component + "/" + what);
        return n == null ? 0 : n.get();
    }
}
