package com.example.compat;

import java.util.List;
import java.util.Map;
import org.apache.storm.LocalCluster;
import org.apache.storm.generated.KillOptions;
import org.apache.storm.generated.StormTopology;
import org.apache.storm.generated.TopologyInfo;
import org.apache.storm.generated.TopologySummary;

/**
 * The LocalCluster calls the tests make, for Storm 2.x (storm-server's LocalCluster: AutoCloseable,
 * generic conf maps, checked Thrift exceptions). src-1x has the same class for storm-core 1.x.
 */
public final class Storm implements AutoCloseable {
    /** The Storm line this glue was compiled for. */
    public static final String LINE = "2.x";

    private final LocalCluster cluster;

    public Storm() throws Exception {
        cluster = new LocalCluster();
    }

    public void submit(String name, Map<String, Object> conf, StormTopology topology) throws Exception {
        cluster.submitTopology(name, conf, topology);
    }

    /** Kills at once (wait 0 s). */
    public void kill(String name) throws Exception {
        KillOptions now = new KillOptions();
        now.set_wait_secs(0);
        cluster.killTopologyWithOpts(name, now);
    }

    public void activate(String name) throws Exception {
        cluster.activate(name);
    }

    public void deactivate(String name) throws Exception {
        cluster.deactivate(name);
    }

    public List<TopologySummary> topologies() throws Exception {
        return cluster.getClusterInfo().get_topologies();
    }

    public TopologyInfo info(String id) throws Exception {
        return cluster.getTopologyInfo(id);
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
