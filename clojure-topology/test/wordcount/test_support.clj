(ns wordcount.test-support
  "Shared by the tests: an independent model of what the topology should count, the uberjar, and
  the JVM's child processes."
  (:require [clojure.java.io :as io]
            [clojure.string :as str]
            [clojure.test :as test]
            [wordcount.core :as core])
  (:import [java.io File]
           [java.lang ProcessHandle]
           [java.util.zip CRC32 ZipFile ZipInputStream]))

;; ---------------------------------------------------------------------------------------------
;; What the components should compute, written from their specification (CONTRACT.md), not from
;; their code: sentence-spout (--order sequential, --limit N) emits the corpus' non-blank lines
;; in order, starting over at the end; split-bolt (python mode) splits like Python 3's
;; str.split(); count-bolt keeps a running count per word.

(defn python-space?
  "Python's str.isspace() for one code point: Unicode category Zs, or bidirectional class WS, B
  or S."
  [cp]
  (or (= Character/SPACE_SEPARATOR (Character/getType (int cp)))
      (contains? #{Character/DIRECTIONALITY_WHITESPACE
                   Character/DIRECTIONALITY_PARAGRAPH_SEPARATOR
                   Character/DIRECTIONALITY_SEGMENT_SEPARATOR}
                 (Character/getDirectionality (int cp)))))

(defn python-split
  "Python 3's `s.split()`: runs of whitespace separate words; no empty words."
  [^String s]
  (->> (.toArray (.codePoints s))
       (partition-by python-space?)
       (remove #(python-space? (first %)))
       (map #(String. (int-array %) 0 (count %)))))

(defn sentences
  "The first n sentences the sequential spout emits from `lines`."
  [lines n]
  (take n (cycle (remove str/blank? lines))))

(defn expected-counts [lines n]
  (frequencies (mapcat python-split (sentences lines n))))

;; ---------------------------------------------------------------------------------------------
;; The uberjar

(defn- crc32 [^File f]
  (let [crc (CRC32.)]
    (.update crc (java.nio.file.Files/readAllBytes (.toPath f)))
    (.getValue crc)))

(defn- up-to-date?
  "Whether `jar` holds the binaries now in ../multilang/resources (`cargo xtask dist` rewrites
  them on every build, so compare contents, not times) and is newer than the sources."
  [^File jar]
  (and jar
       (> (.lastModified jar)
          (reduce max 0 (map #(.lastModified ^File %)
                             (filter #(.isFile ^File %)
                                     (cons (io/file "project.clj")
                                           (mapcat #(file-seq (io/file %)) ["src" "java"]))))))
       (with-open [zip (ZipFile. jar)]
         (every? (fn [b]
                   (let [entry (.getEntry zip (str "resources/" b))
                         file (io/file "../multilang/resources" b)]
                     (and entry (.isFile file) (= (.getCrc entry) (crc32 file)))))
                 ["sentence-spout" "split-bolt" "count-bolt"]))))

(defn uberjar!
  "The uberjar, built with `lein uberjar` first if it is missing or older than its inputs."
  ^File []
  (let [jar (core/uberjar)]
    (if (up-to-date? jar)
      jar
      (let [log (File/createTempFile "wordcount-uberjar" ".log")
            env-free (doto (ProcessBuilder. ["lein" "uberjar"])
                       (.redirectErrorStream true)
                       (.redirectOutput log))
            ;; the test JVM's own Leiningen variables would steer the inner lein
            _ (doto (.environment env-free) (.remove "CLASSPATH") (.remove "LEIN_JVM_OPTS"))
            code (.waitFor (.start env-free))]
        (when-not (zero? code)
          (throw (ex-info (str "lein uberjar failed (exit " code "):\n" (slurp log)) {})))
        (or (core/uberjar) (throw (ex-info "lein uberjar built no jar" {})))))))

(defn extract-resources!
  "Extracts the jar's resources/ entries into `dir` with plain streams, as Storm's supervisor
  does: the files get no mode from the jar. Returns the names extracted."
  [^File jar ^File dir]
  (with-open [in (ZipInputStream. (io/input-stream jar))]
    (loop [names []]
      (if-let [entry (.getNextEntry in)]
        (let [name (.getName entry)]
          (if (and (str/starts-with? name "resources/") (not (.isDirectory entry)))
            (let [target (io/file dir (subs name (count "resources/")))]
              (io/make-parents target)
              (with-open [out (java.io.FileOutputStream. target)]
                (io/copy in out))
              (recur (conj names (subs name (count "resources/")))))
            (recur names)))
        names))))

(defn temp-dir ^File [prefix]
  (.toFile (java.nio.file.Files/createTempDirectory prefix (make-array java.nio.file.attribute.FileAttribute 0))))

(defn delete-tree [^File f]
  (when (.isDirectory f) (run! delete-tree (.listFiles f)))
  (.delete f))

;; ---------------------------------------------------------------------------------------------
;; Child processes: in local mode Storm starts the components as children of this JVM.

(defn children
  "This JVM's live child processes as {:pid, :command} (command: the executable's path)."
  []
  (for [^ProcessHandle p (iterator-seq (.iterator (.children (ProcessHandle/current))))
        :when (.isAlive p)]
    {:pid (.pid p) :command (.orElse (.command (.info p)) nil)}))

(defn wait-until
  "Polls `f` every 100 ms until it returns truthy or `ms` pass; returns its last value."
  [ms f]
  (let [deadline (+ (System/currentTimeMillis) ms)]
    (loop []
      (let [v (f)]
        (if (or v (> (System/currentTimeMillis) deadline))
          v
          (do (Thread/sleep 100) (recur)))))))

;; ---------------------------------------------------------------------------------------------
;; After clojure.test's own summary, the plain line CI reads: assertions passed, and failed
;; (failures plus errors).

(defonce ^:private clojure-test-summary (get-method test/report :summary))

(defmethod test/report :summary [m]
  (clojure-test-summary m)
  (test/with-test-out
    (println (format "clojure-topology: %d passed, %d failed"
                     (:pass m 0) (+ (:fail m 0) (:error m 0))))))
