(ns wordcount.exec-bit-test
  "The execute-bit problem: a jar keeps no file modes, so binaries unpacked from the topology jar
  are not executable. These tests unpack the real uberjar with plain streams (java.util.zip, as
  Storm's supervisor does) and start the binaries through the topology's own command line,
  opening the multilang protocol the way Storm's ShellProcess does."
  (:require [clojure.java.io :as io]
            [clojure.string :as str]
            [clojure.test :refer [deftest is testing]]
            [wordcount.test-support :as t]
            [wordcount.topology :as topology])
  (:import [java.io BufferedReader File InputStreamReader IOException]
           [java.util.concurrent TimeUnit]
           [net.minidev.json JSONObject JSONValue]
           [org.apache.commons.compress.archivers.zip ZipFile]))

(deftest uberjar-holds-the-binaries-without-modes
  (let [jar (t/uberjar!)]
    (with-open [zip (ZipFile. jar)]
      (let [entries (into {} (map (fn [e] [(.getName e) e]) (enumeration-seq (.getEntries zip))))]
        (doseq [b topology/binaries
                :let [entry (get entries (str "resources/" b))]]
          (testing b
            (is (some? entry) "the binary is in the jar under resources/")
            ;; what a jar records of the file's mode: nothing
            (is (zero? (.getUnixMode entry)))))
        (testing "the Python variant's files stay out of this jar"
          (is (empty? (filter #(re-find #"^resources/.*\.py$" %) (keys entries)))))
        (testing "storm-clojure's carbonite-based Kryo register is left out (see wordcount.local)"
          (is (not (contains? entries "META-INF/services/org.apache.storm.serialization.SerializationRegister"))))
        (testing "Storm itself is provided by the cluster, not packed"
          (is (not (contains? entries "org/apache/storm/LocalCluster.class")))
          (is (not (contains? entries "org/apache/storm/topology/TopologyBuilder.class")))
          (is (contains? entries "org/apache/storm/clojure/RichShellBolt.class"))
          (is (contains? entries "wordcount/core.class")))))))

(defn- send! [^Process p ^String json]
  (doto (.getOutputStream p)
    (.write (.getBytes (str json "\nend\n") "UTF-8"))
    (.flush)))

(defn- read-message
  "The next multilang message from the process: JSON lines up to a line `end`."
  [^BufferedReader in]
  (loop [lines []]
    (let [line (.readLine in)]
      (cond
        (nil? line) (throw (IOException. (str "EOF from the component after " lines)))
        (= "end" line) (JSONValue/parse ^String (str/join "\n" lines))
        :else (recur (conj lines line))))))

(defn- handshake [^File pid-dir component]
  (JSONValue/toJSONString
   {"conf" {"multilang.log.level" "warn"}
    "pidDir" (str pid-dir)
    "context" {"taskid" 1 "componentid" component "task->component" {"1" component}}}))

(deftest binaries-unpacked-from-the-uberjar-start-through-the-topology-command
  (let [dir (t/temp-dir "wordcount-unpacked")
        pid-dir (io/file dir "pids")]
    (try
      (.mkdirs pid-dir)
      (let [names (set (t/extract-resources! (t/uberjar!) dir))]
        (is (every? names topology/binaries) (str "extracted " names))
        (doseq [b topology/binaries
                :let [file (io/file dir b)]]
          (testing b
            (testing "arrives without its execute bit"
              (is (.isFile file))
              (is (not (.canExecute file))))
            (testing "can't be started as it is (the problem is real)"
              (is (thrown-with-msg? IOException #"Permission denied"
                                    (-> (ProcessBuilder. [(str "./" b)]) (.directory dir) (.start)))))
            (testing "starts through the topology's command and answers the handshake"
              (let [p (-> (ProcessBuilder. ^java.util.List (topology/native-command b))
                          (.directory dir)
                          (.start))
                    in (BufferedReader. (InputStreamReader. (.getInputStream p) "UTF-8"))]
                (try
                  (send! p (handshake pid-dir b))
                  (let [reply ^JSONObject (read-message in)
                        pid (some-> (get reply "pid") long)]
                    (is (= (.pid p) pid)
                        "the pid the binary reports is the process Storm started: `exec` replaced the shell")
                    (is (= (str (.getCanonicalFile file))
                           (.orElse (.command (.info (.toHandle p))) nil))
                        "that process runs the unpacked binary")
                    (is (.isFile (io/file pid-dir (str pid))) "the pid file Storm kills by is written")
                    (is (.canExecute file) "the execute bit is set now"))
                  (testing "Storm's kill (SIGTERM to its direct child) stops the binary"
                    (.destroy p)
                    (is (.waitFor p 10 TimeUnit/SECONDS))
                    (is (= 143 (.exitValue p))))
                  (finally (.destroyForcibly p)))))))
        (testing "a second start finds the bit set and runs as well"
          (let [p (-> (ProcessBuilder. ^java.util.List (topology/native-command "count-bolt" "--version"))
                      (.directory dir) (.redirectErrorStream true) (.start))]
            (is (.waitFor p 10 TimeUnit/SECONDS))
            (is (zero? (.exitValue p)))
            (is (str/starts-with? (slurp (.getInputStream p)) "count-bolt ")))))
      (finally (t/delete-tree dir)))))

(deftest a-file-that-cannot-be-made-executable-fails-loudly
  ;; e.g. the resources dir belongs to another user: the command must fail with a message that
  ;; names the file, not hang or start something else
  (let [dir (t/temp-dir "wordcount-readonly")
        file (io/file dir "split-bolt")]
    (try
      (spit file "#!/bin/sh\necho should-not-run\n")
      (.setExecutable file false false)
      (let [p (-> (ProcessBuilder. ^java.util.List (topology/native-command "split-bolt"))
                  (.directory dir)
                  (.redirectErrorStream true))
            ;; a chmod that always fails stands in for a file we don't own (we are root here)
            _ (.put (.environment p) "PATH" (str (.getCanonicalPath (doto (io/file dir "bin") (.mkdirs)))
                                                ":" (System/getenv "PATH")))
            _ (doto (io/file dir "bin" "chmod") (spit "#!/bin/sh\nexit 1\n") (.setExecutable true))
            proc (.start p)
            out (slurp (.getInputStream proc))]
        (is (.waitFor proc 10 TimeUnit/SECONDS))
        (is (= 126 (.exitValue proc)) out)
        (is (re-find #"split-bolt.*Permission denied" out))
        (is (not (str/includes? out "should-not-run"))))
      (finally (t/delete-tree dir)))))
