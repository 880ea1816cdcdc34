(ns wordcount.topology
  "The word-count topology of the HDInsight sample, in Storm's Clojure DSL, running the native
  multilang components from the topology's resources/ directory.

  This namespace is loaded by the workers too (for the observer bolt), so it needs storm-client
  only, never storm-server."
  (:require [org.apache.storm.clojure :refer [topology spout-spec bolt-spec
                                              shell-spout-spec shell-bolt-spec]]
            [wordcount.observe :as observe])
  (:import [io.stormnative Bridge InProcessBolt InProcessSpout MultilangBolt MultilangSpout]))

(def ^:private launcher
  ;; A jar keeps no file modes: on a cluster the supervisor unpacks resources/ with plain file
  ;; streams and the binaries arrive without their execute bit. So the command is a shell that
  ;; sets the bit when it is missing and then *replaces itself* with the binary: Storm signals and
  ;; kills only its direct child, and the binary reports its own pid in the handshake, so after
  ;; `exec` the process Storm started and the pid it records are the binary's. $0 is the binary's
  ;; name (it also prefixes sh's error message if the bit can't be set), "$@" its arguments.
  "test -x \"./$0\" || chmod +x \"./$0\" 2>/dev/null; exec \"./$0\" \"$@\"")

(defn native-command
  "The command line that runs `binary` (a file in the topology's resources/ directory, the shell
  components' working directory) with `args`, whether or not the file is executable yet."
  [binary & args]
  (into ["sh" "-c" launcher binary] args))

(def binaries
  "The native components this topology runs, as named in resources/."
  ["sentence-spout" "split-bolt" "count-bolt"])

(defn- strings ^"[Ljava.lang.String;" [xs] (into-array String xs))

(defn host-spout
  "storm-native's host for a multilang spout process: `binary` from resources/ (made executable
  first), declaring `fields`."
  [binary fields]
  (MultilangSpout. (strings [binary]) (strings fields)))

(defn host-bolt
  "storm-native's host for a multilang bolt process, as `host-spout`."
  [binary fields]
  (MultilangBolt. (strings [binary]) (strings fields)))

(defn inproc-spout
  "storm-native's in-process spout: the component `binary` names, loaded from its library in
  resources/ (lib<name>.so, as `cargo xtask dist` builds it) into the worker, declaring `fields`."
  [binary fields]
  (InProcessSpout. (Bridge/library binary) (strings [binary]) (strings fields)))

(defn inproc-bolt
  "storm-native's in-process bolt, as `inproc-spout`."
  [binary fields]
  (InProcessBolt. (Bridge/library binary) (strings [binary]) (strings fields)))

(def bridges
  "The JVM sides that can run the components: storm-native's host for their processes
  (MultilangSpout/MultilangBolt, the default), Storm's own ShellSpout/ShellBolt (the DSL's shell
  specs) for comparison, or storm-native's in-process bridge (InProcessSpout/InProcessBolt: the
  components' libraries inside the worker, no process)."
  #{:host :stock :inproc})

(defn word-count
  "The sample's topology: spout (1) -shuffle-> splitbolt (4) -fields [word]-> countbolt (4).
  With `observer` (an id from `wordcount.observe/new-observer!`, local mode only) a Clojure bolt
  \"observer\" also receives every [word count] from countbolt, grouped on word. `bridge` is one of
  `bridges` (:host unless given)."
  ([] (word-count nil))
  ([observer] (word-count observer :host))
  ([observer bridge]
   (when-not (bridges bridge)
     (throw (IllegalArgumentException. (str "bridge must be one of " (sort bridges) ", got " bridge))))
   (let [spout (case bridge
                 :stock (shell-spout-spec (native-command "sentence-spout") ["sentence"] :p 1)
                 :host (spout-spec (host-spout "sentence-spout" ["sentence"]) :p 1)
                 :inproc (spout-spec (inproc-spout "sentence-spout" ["sentence"]) :p 1))
         bolt (fn [inputs binary fields]
                (case bridge
                  :stock (shell-bolt-spec inputs (native-command binary) fields :p 4)
                  :host (bolt-spec inputs (host-bolt binary fields) :p 4)
                  :inproc (bolt-spec inputs (inproc-bolt binary fields) :p 4)))]
     (topology
      {"spout" spout}
      (cond-> {"splitbolt" (bolt {"spout" :shuffle} "split-bolt" ["word"])
               "countbolt" (bolt {"splitbolt" ["word"]} "count-bolt" ["word" "count"])}
        observer (assoc "observer" (bolt-spec {"countbolt" ["word"]}
                                              (observe/tally observer) :p 2)))))))
