(ns wordcount.submit-test
  "`lein run NAME`: a separate JVM submits the topology over Nimbus' Thrift API, uploading the
  uberjar, to a LocalCluster running in this JVM with its Nimbus served on a local port."
  (:require [clojure.java.io :as io]
            [clojure.string :as str]
            [clojure.test :refer [deftest is testing]]
            [wordcount.local :as local]
            [wordcount.test-support :as t])
  (:import [java.io File]
           [java.net ServerSocket]
           [java.util.concurrent TimeUnit]
           [org.apache.storm.generated ClusterSummary TopologySummary]))

(defn- free-port []
  (with-open [s (ServerSocket. 0 1 (java.net.InetAddress/getLoopbackAddress))] (.getLocalPort s)))

(defn- lein-run [& args]
  (let [log (File/createTempFile "wordcount-submit" ".log")
        pb (doto (ProcessBuilder. ^java.util.List (into ["lein" "run"] args))
             (.redirectErrorStream true)
             (.redirectOutput log))
        _ (doto (.environment pb) (.remove "CLASSPATH") (.remove "LEIN_JVM_OPTS"))
        p (.start pb)
        finished (.waitFor p 240 TimeUnit/SECONDS)]
    (when-not finished (.destroyForcibly p))
    {:exit (when finished (.exitValue p)) :out (slurp log)}))

(defn- topology-named [cluster name]
  (first (filter #(= name (.get_name ^TopologySummary %))
                 (.get_topologies ^ClusterSummary (.getClusterInfo cluster)))))

(deftest lein-run-name-submits-over-thrift
  (let [jar (t/uberjar!)
        port (free-port)]
    (try
      (with-open [cluster (local/start-cluster :nimbus-daemon? true
                                               :daemon-conf {"nimbus.thrift.port" port})]
        (let [{:keys [exit out]} (lein-run "wc-submitted" "--nimbus" (str "127.0.0.1:" port)
                                           "-c" "wordcount.spout.seed=7")]
          (is (= 0 exit) out)
          (is (str/includes? out (str "with jar " (.getAbsolutePath jar))) out)
          (let [summary (t/wait-until 30000 #(topology-named cluster "wc-submitted"))]
            (testing "Nimbus runs it as submitted"
              (is summary)
              (is (= "ACTIVE" (some-> summary .get_status)))
              (let [conf (some->> summary .get_id (.getTopologyConf cluster) net.minidev.json.JSONValue/parse)]
                (is (= 3 (get conf "topology.workers")) "the sample's 3 workers")
                (is (= 7 (get conf "wordcount.spout.seed")) "-c reaches the topology conf"))
              (is (t/wait-until 60000 #(= 3 (some-> (topology-named cluster "wc-submitted") .get_num_workers)))
                  "scheduled on 3 workers")))
          (testing "and the native components come up"
            (is (t/wait-until 90000 #(= 9 (count (t/children)))) (str (vec (t/children))))))
        (local/storm-log-level! "OFF")
        (local/kill! cluster "wc-submitted"))
      (is (t/wait-until 15000 #(empty? (t/children))) (str "left: " (vec (t/children))))
      (finally (local/storm-log-level! "WARN")))))

(deftest lein-run-name-without-a-nimbus-fails-with-a-message
  (let [{:keys [exit out]} (lein-run "wc-nowhere" "--nimbus" (str "127.0.0.1:" (free-port)))]
    (is (= 1 exit) out)
    (is (re-find #"word-count: .+" out) out)))
