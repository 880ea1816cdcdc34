(ns wordcount.topology
  "The word-count topology of the HDInsight sample, in Storm's Clojure DSL, running the native
  multilang components from the topology's resources/ directory.

  This namespace is loaded by the workers too (for the observer bolt), so it needs storm-client
  only, never storm-server."
  (:require [org.apache.storm.clojure :refer [topology spout-spec bolt-spec
                                              shell-spout-spec shell-bolt-spec]]
            [wordcount.observe :as observe]))

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

(defn word-count
  "The sample's topology: spout (1) -shuffle-> splitbolt (4) -fields [word]-> countbolt (4).
  With `observer` (an id from `wordcount.observe/new-observer!`, local mode only) a Clojure bolt
  \"observer\" also receives every [word count] from countbolt, grouped on word."
  ([] (word-count nil))
  ([observer]
   (topology
    {"spout" (shell-spout-spec (native-command "sentence-spout") ["sentence"] :p 1)}
    (cond-> {"splitbolt" (shell-bolt-spec {"spout" :shuffle}
                                          (native-command "split-bolt") ["word"] :p 4)
             "countbolt" (shell-bolt-spec {"splitbolt" ["word"]}
                                          (native-command "count-bolt") ["word" "count"] :p 4)}
      observer (assoc "observer" (bolt-spec {"countbolt" ["word"]}
                                            (observe/tally observer) :p 2))))))
