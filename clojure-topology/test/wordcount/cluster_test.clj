(ns wordcount.cluster-test
  "The topology on a real LocalCluster (storm-server 2.8.4): Nimbus, a Supervisor, a worker, the
  native components as child processes of this JVM."
  (:require [clojure.java.io :as io]
            [clojure.string :as str]
            [clojure.test :refer [deftest is testing]]
            [wordcount.local :as local]
            [wordcount.observe :as observe]
            [wordcount.test-support :as t]
            [wordcount.topology :as topology])
  (:import [java.io File]
           [org.apache.storm.utils ServerUtils]))

(def corpus
  "Sentences for the reliable run: the sample's kind, plus what makes splitting interesting (runs
  of spaces, a tab, no-break and other Unicode spaces, U+001F, a zero-width space that is no
  space, letters outside ASCII and the BMP) and a blank line, which the spout skips."
  ["the cow jumped over the moon"
   "  four score\tand seven   years ago  "
   ""
   "Ünïcödé\u00a0words — naïve café, déjà vu!"
   "ideographic\u3000space\u2003em-space\u001funit-separator zero\u200bwidth"
   "emoji 🐄 jumped over 🌙 the moon"
   "an apple a day keeps the doctor away"])

(def sample-vocabulary
  "Every word of the sample's five sentences, which sentence-spout emits by default."
  (set (mapcat t/python-split ["the cow jumped over the moon"
                               "an apple a day keeps the doctor away"
                               "four score and seven years ago"
                               "snow white and the seven dwarfs"
                               "i am at two with nature"])))

(defn- with-topology-jar
  "Runs f with Storm's local mode taking the topology's resources/ from `jar`: it uses the first
  jar on the class path that has a resources/ folder, and unpacks it with the same code (plain
  file streams) a cluster's supervisor uses on a downloaded topology jar. ServerUtils.setInstance
  is Storm's own seam for replacing what it reads as the class path."
  [^File jar f]
  (let [previous (ServerUtils/setInstance
                  (proxy [ServerUtils] []
                    (currentClasspathImpl []
                      (str jar File/pathSeparator (System/getProperty "java.class.path")))))]
    (try (f) (finally (ServerUtils/setInstance previous)))))

(defn- binary-name [{:keys [command]}] (some-> command io/file .getName))

(defn- reliable-finite-run
  "Runs the topology from the uberjar over the first n sentences of the corpus, reliably, with
  extra-conf added, under `bridge` (:host unless given), and checks exact counts, every sentence
  acked once, no component left."
  ([topology-name extra-conf] (reliable-finite-run topology-name extra-conf :host))
  ([topology-name extra-conf bridge]
  (let [n 1500
        jar (t/uberjar!)
        dir (t/temp-dir "wordcount-corpus")
        corpus-file (io/file dir "corpus.txt")
        observer (observe/new-observer!)
        expected (t/expected-counts corpus n)
        conf (merge {"topology.workers" 1
                     ;; a loaded 2-core machine must not time tuples out: a replay would be
                     ;; Storm's at-least-once working as designed, but not this test's subject
                     "topology.message.timeout.secs" 120
                     "wordcount.spout.reliable" true
                     "wordcount.spout.order" "sequential"
                     "wordcount.spout.limit" n
                     "wordcount.spout.max.pending" 200
                     "wordcount.spout.corpus" (str corpus-file)}
                    (observe/conf observer)
                    extra-conf)]
    (spit corpus-file (str (str/join "\n" corpus) "\n") :encoding "UTF-8")
    (try
      (with-topology-jar jar
        (fn []
          (with-open [cluster (local/start-cluster)]
            (.submitTopology cluster topology-name conf (topology/word-count observer bridge))
            (let [all-acked? #(= n (count (:acked (observe/snapshot observer))))
                  done (t/wait-until 240000 all-acked?)
                  kids (t/children)
                  at-end (observe/snapshot observer)]
              (if (= bridge :inproc)
                (testing "the components run in this JVM, from the libraries Storm unpacked from the jar"
                  (is (empty? kids) (str "children: " (vec kids)))
                  (let [maps (java.nio.file.Files/readString (java.nio.file.Path/of "/proc/self/maps" (into-array String [])))]
                    (doseq [lib ["libsentence_spout.so" "libsplit_bolt.so" "libcount_bolt.so"]]
                      (is (re-find (re-pattern (str "/stormdist/[^/\\s]+/resources/" lib)) maps)
                          (str lib " mapped from the unpacked jar")))))
                (testing "the components run as the binaries unpacked from the jar, exec'd (no shell left)"
                  (is (= {"sentence-spout" 1 "split-bolt" 4 "count-bolt" 4}
                         (frequencies (map binary-name kids)))
                      (str "children: " (vec kids)))
                  (is (every? #(re-find #"/stormdist/[^/]+/resources/[^/]+$" (str (:command %))) kids)
                      "run from the resources Storm unpacked from the topology jar")))
              (testing "every sentence is acked exactly once and none failed"
                (is done (str "acked " (count (:acked at-end)) " of " n ", failed " (count (:failed at-end))))
                (is (= (set (range 1 (inc n))) (set (keys (:acked at-end)))))
                (is (every? #{1} (vals (:acked at-end))))
                (is (empty? (:failed at-end))))
              (testing "the final counts are the counts of the same sentences, computed here"
                (is (= (count expected) (count (:counts at-end))))
                (is (= expected (:counts at-end))
                    (let [got (:counts at-end)]
                      (str "differ: " (into {} (for [w (into (set (keys expected)) (keys got))
                                                     :when (not= (expected w) (got w))]
                                                 [w [(expected w) (got w)]])))))
                (is (= (reduce + (vals expected)) (:count-tuples at-end))
                    "one [word count] tuple per word: nothing replayed, nothing lost"))
              (testing "after the limit the spout emits nothing more"
                (Thread/sleep 2000)
                (is (= at-end (observe/snapshot observer)))))
            (local/storm-log-level! "OFF")
            (local/kill! cluster topology-name))))
      (testing "shutting the cluster down stops every component process"
        (is (t/wait-until 15000 #(empty? (t/children))) (str "left: " (vec (t/children)))))
      (finally
        (local/storm-log-level! "WARN")
        (observe/forget! observer)
        (t/delete-tree dir))))))

(deftest reliable-finite-run-from-the-uberjar
  (reliable-finite-run "word-count-reliable" {}))

(deftest reliable-finite-run-in-process
  ;; The same run with the components' libraries inside the worker (InProcessSpout/InProcessBolt).
  (reliable-finite-run "word-count-reliable-inproc" {} :inproc))

(deftest reliable-finite-run-under-the-binary-serializer
  ;; Storm instantiates the named class for every multilang component (no fallback), so exact
  ;; counts here mean the native binaries ran the whole protocol in SMB1.
  (testing "the uberjar carries the serializer"
    (with-open [jar (java.util.jar.JarFile. (t/uberjar!))]
      (is (some? (.getEntry jar "io/stormnative/BinarySerializer.class")))))
  (reliable-finite-run "word-count-reliable-smb1"
                       {"topology.multilang.serializer" "io.stormnative.BinarySerializer"}))

(deftest lein-run-counts-the-sample-sentences-and-stops-cleanly
  ;; Not a fixed 12 s: until two reports have counted "the" (a loaded machine may take longer to
  ;; start the worker and its processes), with a generous deadline.
  (let [out (java.io.StringWriter.)
        reports-with-the (atom 0)
        enough? (fn [snapshot]
                  (and (get-in snapshot [:counts "the"])
                       (>= (swap! reports-with-the inc) 2)))
        result (binding [*out* out] (local/run :seconds 180 :every 2 :until enough?))
        printed (str out)]
    (local/storm-log-level! "WARN")
    (testing "words are counted, all of them from the sample's sentences"
      (is (= 2 @reports-with-the) (str "reports that counted \"the\" before the deadline; printed:\n" printed))
      (is (pos? (:count-tuples result)))
      (is (seq (:counts result)))
      (is (every? sample-vocabulary (keys (:counts result))) (str (keys (:counts result))))
      (is (every? pos? (vals (:counts result)))))
    (testing "the top words are printed as they grow"
      (is (<= 2 (count (re-seq #"after +\d+ s: \d+ words counted, \d+ distinct" printed))) printed)
      (is (re-find #"\n  the +\d+\n" printed) printed))
    (testing "no component process outlives the run"
      (is (t/wait-until 15000 #(empty? (t/children))) (str "left: " (vec (t/children)))))))
