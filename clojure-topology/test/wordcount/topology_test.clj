(ns wordcount.topology-test
  (:require [clojure.test :refer [deftest is testing]]
            [wordcount.core :as core]
            [wordcount.test-support :as t]
            [wordcount.topology :as topology])
  (:import [io.stormnative InProcessBolt InProcessSpout MultilangBolt MultilangSpout]
           [org.apache.storm.generated Bolt ComponentCommon GlobalStreamId Grouping SpoutSpec StormTopology]
           [org.apache.storm.task ShellBolt]
           [org.apache.storm.spout ShellSpout]
           [org.apache.storm.utils Utils]))

(defn- common [^ComponentCommon c]
  {:parallelism (.get_parallelism_hint c)
   :outputs (into {} (for [[stream info] (.get_streams c)] [stream (vec (.get_output_fields info))]))
   :inputs (into {} (for [[^GlobalStreamId id ^Grouping g] (.get_inputs c)]
                      [(.get_componentId id)
                       (cond (.is_set_shuffle g) :shuffle
                             (.is_set_fields g) (vec (.get_fields g))
                             :else (str g))]))})

(defn- shell-command
  "The command line inside a serialized ShellBolt/ShellSpout (a private field `command`)."
  [obj]
  (let [f (doto (.getDeclaredField (if (instance? ShellBolt obj) ShellBolt ShellSpout) "command")
            (.setAccessible true))]
    (vec (.get f obj))))

(defn- host-command
  "The command line of a deserialized MultilangBolt/MultilangSpout."
  [^io.stormnative.MultilangComponent obj]
  (vec (.command obj)))

(deftest an-unknown-bridge-is-named
  (is (thrown-with-msg? IllegalArgumentException #"bridge must be one of \(:host :inproc :stock\), got :shell"
                        (topology/word-count nil :shell))))

(defn- the-samples-topology-under [bridge]
  (let [^StormTopology topo (topology/word-count nil bridge)
        spouts (.get_spouts topo)
        bolts (.get_bolts topo)]
    (is (= #{"spout"} (set (keys spouts))))
    (is (= #{"splitbolt" "countbolt"} (set (keys bolts))))
    (is (= {:parallelism 1 :outputs {"default" ["sentence"]} :inputs {}}
           (common (.get_common ^SpoutSpec (get spouts "spout")))))
    (is (= {:parallelism 4 :outputs {"default" ["word"]} :inputs {"spout" :shuffle}}
           (common (.get_common ^Bolt (get bolts "splitbolt")))))
    (is (= {:parallelism 4 :outputs {"default" ["word" "count"]} :inputs {"splitbolt" ["word"]}}
           (common (.get_common ^Bolt (get bolts "countbolt")))))
    (let [object #(Utils/javaDeserialize (.get_serialized_java (.get_spout_object %)) Object)
          bolt-object #(Utils/javaDeserialize (.get_serialized_java (.get_bolt_object %)) Object)
          spout (object (get spouts "spout"))
          split (bolt-object (get bolts "splitbolt"))
          count (bolt-object (get bolts "countbolt"))]
      (case bridge
        :stock
        (testing "each component runs its binary through the launcher, under ShellSpout/ShellBolt"
          (is (= (topology/native-command "sentence-spout") (shell-command spout)))
          (is (= (topology/native-command "split-bolt") (shell-command split)))
          (is (= (topology/native-command "count-bolt") (shell-command count))))
        :host
        (testing "each component runs its binary under storm-native's host"
          (is (instance? MultilangSpout spout))
          (is (every? #(instance? MultilangBolt %) [split count]))
          (is (= ["sentence-spout"] (host-command spout)))
          (is (= ["split-bolt"] (host-command split)))
          (is (= ["count-bolt"] (host-command count))))
        :inproc
        (testing "each component is its library's, in process"
          (is (= "InProcessSpout[libsentence_spout.so, [sentence-spout]]" (str spout)))
          (is (= "InProcessBolt[libsplit_bolt.so, [split-bolt]]" (str split)))
          (is (= "InProcessBolt[libcount_bolt.so, [count-bolt]]" (str count))))))
    (testing "the observer bolt is there only when asked for"
      (is (= {:parallelism 2 :outputs {"default" []} :inputs {"countbolt" ["word"]}}
             (common (.get_common ^Bolt (get (.get_bolts (topology/word-count "some-id")) "observer"))))))))

(deftest the-samples-topology
  (doseq [bridge [:host :stock :inproc]]
    (testing (str "under " bridge)
      (the-samples-topology-under bridge))))

(deftest native-command-shape
  (let [[sh flag script name & args] (topology/native-command "split-bolt" "--mode" "words")]
    (is (= ["sh" "-c" "split-bolt" ["--mode" "words"]] [sh flag name args]))
    (is (re-find #"exec \"\./\$0\" \"\$@\"$" script) "ends by replacing the shell with the binary")))

(deftest command-line
  (is (= {:conf {}} (core/parse-args [])))
  (is (= {:conf {"wordcount.spout.limit" 10 "wordcount.spout.order" "sequential"
                 "wordcount.log.tuples" true "x" ["a" "b"]}
          :seconds 30}
         (core/parse-args ["--seconds" "30" "-c" "wordcount.spout.limit=10"
                           "-c" "wordcount.spout.order=sequential" "-c" "wordcount.log.tuples=true"
                           "-c" "x=[\"a\",\"b\"]"])))
  (is (= {:conf {} :name "wc" :workers 2 :nimbus {:host "nimbus.example" :port 6627}}
         (core/parse-args ["wc" "--workers" "2" "--nimbus" "nimbus.example:6627"])))
  (is (= {"topology.workers" 3 "nimbus.seeds" ["h"]}
         (core/submit-conf {:nimbus {:host "h"} :conf {}})))
  (is (:error (core/parse-args ["--seconds" "soon"])))
  (is (:error (core/parse-args ["a" "b"])))
  (is (:error (core/parse-args ["--frobnicate"]))))

(deftest python-split-model
  ;; the test's own model of str.split(), checked against what Python 3 prints for these strings
  (is (= ["a" "b"] (t/python-split "  a \t\n b  ")))
  (is (= ["x" "y" "z\u200bw"] (t/python-split "x\u00a0y\u001fz\u200bw")))
  (is (= ["🐄" "🌙"] (t/python-split "🐄\u3000🌙")))
  (is (= [] (t/python-split " \u2003 ")))
  (is (= {"a" 4 "b" 2} (t/expected-counts ["a b" "" "a"] 4))))

(deftest the-bridge-option
  (is (= {:conf {} :bridge :stock} (core/parse-args ["--bridge" "stock"])))
  (is (= {:conf {} :bridge :host} (core/parse-args ["--bridge" "host"])))
  (is (= {:conf {} :bridge :inproc} (core/parse-args ["--bridge" "inproc"])))
  (is (= {:error "--bridge needs host, stock or inproc"} (core/parse-args ["--bridge" "shell"]))))
