(ns wordcount.core
  "Entry point. `lein run` runs the topology on a local cluster; `lein run NAME` (or
  `storm jar <uberjar> wordcount.core NAME`) submits it to a Storm cluster as NAME."
  (:require [clojure.java.io :as io]
            [clojure.string :as str]
            [wordcount.topology :as topology])
  (:import [net.minidev.json JSONValue]
           [org.apache.storm StormSubmitter])
  (:gen-class))

(def usage
  "usage: lein run [--seconds N] [--every N] [--bridge host|stock|inproc] [-c KEY=VALUE]...
         run on a local cluster for N seconds (default 20), top words every N seconds (default 5)
       lein run NAME [--workers N] [--nimbus HOST[:PORT]] [--bridge host|stock|inproc] [-c KEY=VALUE]...
         submit to a cluster as NAME (needs `lein uberjar` first; the nimbus comes from
         --nimbus, -c nimbus.seeds=[...] or Storm's storm.yaml, else localhost:6627)
  -c sets a topology conf entry; VALUE is read as JSON when it parses (3, true, [\"a\"]), else
     as a string, e.g. -c wordcount.spout.order=sequential -c wordcount.log.tuples=true
  --bridge: the JVM side that runs the components: storm-native's host for their processes
     (default), Storm's ShellSpout/ShellBolt (stock), or their libraries inside the worker (inproc)")

(defn- conf-value [s]
  (try (JSONValue/parseWithException ^String s)
       (catch Exception _ s)))

(defn parse-args
  "Command-line arguments to {:name, :seconds, :every, :workers, :nimbus, :bridge, :conf}, or
  {:error msg}."
  [args]
  (loop [opts {:conf {}} [a value & _ :as args] args]
    (let [number (some->> value (re-matches #"\d+") parse-long)
          number-for {"--seconds" :seconds "--every" :every "--workers" :workers}]
      (cond
        (empty? args) opts
        (#{"-h" "--help"} a) {:help true}
        (number-for a) (if number
                         (recur (assoc opts (number-for a) number) (drop 2 args))
                         {:error (str a " needs a number")})
        (= "--nimbus" a) (if-let [[_ host port] (some->> value (re-matches #"([^:]+)(?::(\d+))?"))]
                           (recur (assoc opts :nimbus {:host host :port (some-> port parse-long)})
                                  (drop 2 args))
                           {:error "--nimbus needs HOST[:PORT]"})
        (= "--bridge" a) (if-let [bridge (topology/bridges (some-> value keyword))]
                           (recur (assoc opts :bridge bridge) (drop 2 args))
                           {:error "--bridge needs host, stock or inproc"})
        (= "-c" a) (if-let [[_ k v] (some->> value (re-matches #"([^=]+)=(.*)"))]
                     (recur (assoc-in opts [:conf k] (conf-value v)) (drop 2 args))
                     {:error "-c needs KEY=VALUE"})
        (str/starts-with? a "-") {:error (str "unknown option " a)}
        (:name opts) {:error (str "one topology name only, got " (:name opts) " and " a)}
        :else (recur (assoc opts :name a) (rest args))))))

(defn uberjar
  "The uberjar `lein uberjar` builds, if it is there (relative to the project directory)."
  []
  (->> (file-seq (io/file "target" "uberjar"))
       (filter #(re-matches #"wordcount-clojure-.*-standalone\.jar" (.getName ^java.io.File %)))
       first))

(defn submit-conf
  "The topology conf for a cluster submission: the sample's 3 workers unless told otherwise."
  [{:keys [workers nimbus conf]}]
  (cond-> (merge {"topology.workers" (or workers 3)} conf)
    nimbus (assoc "nimbus.seeds" [(:host nimbus)])
    (:port nimbus) (assoc "nimbus.thrift.port" (:port nimbus))))

(defn submit!
  "Submits the topology to the cluster as `name`, uploading the jar named by the storm.jar system
  property (set by `storm jar`), else the uberjar in target/uberjar."
  [name conf & {:keys [bridge] :or {bridge :host}}]
  (when-not (System/getProperty "storm.jar")
    (if-let [jar (uberjar)]
      (System/setProperty "storm.jar" (.getAbsolutePath ^java.io.File jar))
      (throw (ex-info (str "no topology jar to upload: run `lein uberjar` first "
                           "(or submit with `storm jar target/uberjar/...-standalone.jar wordcount.core "
                           name "`)") {}))))
  (println "submitting word-count as" name "with jar" (System/getProperty "storm.jar"))
  (StormSubmitter/submitTopology ^String name ^java.util.Map conf (topology/word-count nil bridge)))

(defn main
  "Does what the arguments say; returns the process exit code."
  [& args]
  (let [{:keys [error help name seconds every bridge conf] :or {bridge :host} :as opts} (parse-args args)]
    (cond
      error (do (binding [*out* *err*] (println error) (println usage)) 2)
      help (do (println usage) 0)
      name (do (submit! name (submit-conf opts) :bridge bridge) 0)
      ;; wordcount.local needs storm-server, which `storm jar` may lack: load it only here
      :else (do ((requiring-resolve 'wordcount.local/run)
                 :seconds (or seconds 20) :every (or every 5) :conf conf :bridge bridge)
                0))))

(defn -main [& args]
  (let [code (try (apply main args)
                  (catch Throwable t
                    (binding [*out* *err*] (println "word-count:" (or (ex-message t) t)))
                    (when-not (instance? clojure.lang.ExceptionInfo t) (.printStackTrace t))
                    1))]
    (shutdown-agents)
    ;; LocalCluster leaves non-daemon threads behind; the run is over, so leave.
    (System/exit code)))
