package com.example.wordcount;

import io.stormnative.BinarySerializer;
import io.stormnative.Bridge;
import org.apache.storm.Config;
import org.apache.storm.LocalCluster;
import org.apache.storm.topology.TopologyBuilder;
import org.apache.storm.tuple.Fields;

/**
 * Run by {@link ErrorsIT} in a JVM of its own: the word count with a component that fails at once.
 * Storm halts a worker whose executor dies, and in local mode the worker is this JVM, so the test
 * needs it apart. Exits 0 only if nothing crashed within the given seconds (the test then fails).
 *
 * <p>args: {@code corpus PATH} (the real sentence-spout with a corpus that does not exist), or
 * {@code exits} (a bolt whose command prints a message and exits), or {@code python-smb1} (the Python
 * components under {@link BinarySerializer}, which they cannot speak). The serializer is the test's
 * ({@code -Dwordcount.it.serializer}).
 */
public final class CrashingTopology {
    private CrashingTopology() {
    }

    public static void main(String[] args) throws Exception {
        Config conf = Harness.conf();
        TopologyBuilder builder;
        if (args[0].equals("python-smb1")) {
            // The Python sample under the binary serializer: storm.py cannot answer the handshake.
            conf.put(Config.TOPOLOGY_MULTILANG_SERIALIZER, BinarySerializer.class.getName());
            conf.put(BinarySerializer.HANDSHAKE_TIMEOUT_CONF, 3);
            builder = WordCount.builder(SentenceSpout.on(Bridge.fromSystemProperty(), Variant.PYTHON), Variant.PYTHON, 1, 1);
        } else if (args[0].equals("corpus")) {
            conf.put("wordcount.spout.corpus", args[1]);
            builder = WordCount.builder(SentenceSpout.on(Bridge.fromSystemProperty(), Variant.NATIVE), Variant.NATIVE, 1, 1);
        } else {
            builder = WordCount.builder(SentenceSpout.on(Bridge.fromSystemProperty(), Variant.NATIVE), Variant.NATIVE, 1, 1);
            builder.setBolt("broken", Bridge.fromSystemProperty().bolt(new String[] {"sh", "-c",
                "echo 'broken-bolt: cannot load its model file' >&2; exit 3"}, "word"), 1)
                .fieldsGrouping(WordCount.COUNT, new Fields("word"));
        }
        try (LocalCluster cluster = new LocalCluster()) {
            cluster.submitTopology("crashing", conf, builder.createTopology());
            Thread.sleep(90_000);
        }
        System.out.println("CrashingTopology: no crash within 90 s");
        System.exit(0);
    }
}
