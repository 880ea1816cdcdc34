(ns wordcount.local
  "Running the topology on an in-process LocalCluster (storm-server), as `lein run` and the tests do."
  (:require [clojure.string :as str]
            [wordcount.observe :as observe]
            [wordcount.topology :as topology])
  (:import [org.apache.storm LocalCluster LocalCluster$Builder]
           [org.apache.storm.generated KillOptions]))

(def ^:private serialization-registers
  "META-INF/services/org.apache.storm.serialization.SerializationRegister")

(defonce ^:private registers-hidden (atom false))

(defn hide-clojure-serialization-register!
  "storm-clojure 2.8.4 registers a Kryo SerializationRegister (ClojureSerializationRegister)
  through its META-INF/services file. That class calls carbonite, a library published on Clojars
  only, which this project can't use. Every worker builds its Kryo at start-up, loads every
  registered SerializationRegister, dies on NoClassDefFoundError carbonite/JavaBridge and, in local
  mode, takes the JVM with it ('Halting process: Worker died').

  The uberjar leaves that services file out (:uberjar-exclusions), so cluster workers never see
  it. In local mode the storm-clojure jar itself is on the classpath; Storm's SerializationFactory
  reads the services once, through the context class loader current when the class initializes.
  So initialize it here, first, through a class loader that hides storm-clojure's entry.

  What is lost is Kryo support for Clojure's own types (keywords, persistent collections...) in
  tuples that cross workers. This topology's tuples hold strings and numbers only."
  []
  (when (compare-and-set! registers-hidden false true)
    (let [thread (Thread/currentThread)
          original (.getContextClassLoader thread)
          hiding (proxy [ClassLoader] [original]
                   (getResources [name]
                     (let [urls (enumeration-seq (.getResources original name))]
                       (java.util.Collections/enumeration
                        (if (= name serialization-registers)
                          (remove #(str/includes? (str %) "storm-clojure") urls)
                          urls)))))]
      (.setContextClassLoader thread hiding)
      (try
        (Class/forName "org.apache.storm.serialization.SerializationFactory" true original)
        (finally (.setContextClassLoader thread original))))))

(defn start-cluster
  "A LocalCluster (in-process ZooKeeper, Nimbus, one Supervisor). `daemon-conf` adds daemon settings
  (e.g. storm.local.dir); `nimbus-daemon?` also serves Nimbus' Thrift API (for StormSubmitter)."
  ^LocalCluster [& {:keys [daemon-conf nimbus-daemon?]}]
  (hide-clojure-serialization-register!)
  (let [builder (LocalCluster$Builder.)]
    ;; Nimbus' metrics history (a RocksDB store by default) serves the UI, which a local run has
    ;; not; without it two clusters in one JVM (the tests) don't trip over its shared cache
    (doseq [[k v] (merge {"storm.metricstore.class" "org.apache.storm.metricstore.NoOpMetricStore"}
                         daemon-conf)]
      (.withDaemonConf builder (str k) v))
    (when nimbus-daemon? (.withNimbusDaemon builder))
    (.build builder)))

(defn kill!
  "Kills a topology at once (no message-timeout wait)."
  [^LocalCluster cluster name]
  (.killTopologyWithOpts cluster name (doto (KillOptions.) (.set_wait_secs 0))))

(defn top-words
  "The n words with the highest counts, as [word count] pairs, ties broken by word."
  [counts n]
  (take n (sort-by (fn [[w c]] [(- c) w]) counts)))

(defn- report [seconds {:keys [counts count-tuples acked failed]} n]
  (let [top (top-words counts n)
        width (max 4 (reduce max 0 (map (comp count first) top)))]
    (println (format "after %3d s: %d words counted, %d distinct%s"
                     seconds count-tuples (count counts)
                     (if (or (seq acked) (seq failed))
                       (format "; sentences acked %d, failed %d"
                               (reduce + (vals acked)) (reduce + (vals failed)))
                       "")))
    (doseq [[w c] top]
      (println (format (str "  %-" width "s %8d") w c)))
    (flush)))

(defn storm-log-level!
  "Sets the level of Storm's loggers (a log4j2 level name). `lein run` turns them \"OFF\" after a
  deliberate kill: Storm then destroys the component processes and, for each one, logs at ERROR
  that its pipe broke ('ShellBolt died', exit code 143 = SIGTERM) and that reporting this to the
  stopping ZooKeeper was interrupted. That is Storm's normal shutdown in local mode, not a
  failure of the run."
  [level]
  (org.apache.logging.log4j.core.config.Configurator/setLevel
   "org.apache.storm" (org.apache.logging.log4j.Level/toLevel ^String level)))

(defn run
  "Runs the word-count topology on a LocalCluster for `seconds`, printing the top words every
  `every` seconds, then kills it and shuts the cluster down. `conf` is added to the topology conf;
  `bridge` is :host (storm-native's, the default) or :stock (Storm's ShellSpout/ShellBolt).
  With `until` (a predicate on the snapshot, called after each report), the run ends at the first
  report it is true of, and `seconds` is only the deadline (tests: a condition, not a fixed time a
  loaded machine may not meet). Returns the observer's last snapshot."
  [& {:keys [seconds every conf top until bridge]
      :or {seconds 20 every 5 conf {} top 10 bridge :host}}]
  (let [observer (observe/new-observer!)
        topo-conf (merge {"topology.workers" 1} conf (observe/conf observer))]
    (try
      (with-open [cluster (start-cluster)]
        (println (format "word-count: running on a local cluster for %d s (%s)" seconds
                         (if (= bridge :stock) "Storm's ShellSpout/ShellBolt" "storm-native's host")))
        (.submitTopology cluster "word-count" topo-conf (topology/word-count observer bridge))
        (let [started (System/nanoTime)
              elapsed #(quot (- (System/nanoTime) started) 1000000000)]
          (loop []
            (let [left (- seconds (elapsed))]
              (when (pos? left)
                (Thread/sleep (* 1000 (min every left)))
                (let [snapshot (observe/snapshot observer)]
                  (report (elapsed) snapshot top)
                  (when-not (and until (until snapshot))
                    (recur)))))))
        (let [last-counts (observe/snapshot observer)]
          (println "killing the topology and shutting the local cluster down")
          (storm-log-level! "OFF")
          (kill! cluster "word-count")
          last-counts))
      (finally (observe/forget! observer)))))
