(ns wordcount.dist
  "The build step before `lein run`, `lein test` and `lein uberjar` (a :prep-tasks entry): the
  native binaries must be in ../multilang/resources, the directory Leiningen puts on the
  classpath and into the jar as resources/. `cargo xtask dist` (at the repository root) builds
  them and copies them there; cargo decides what is stale.

  WORDCOUNT_SKIP_DIST=1 skips cargo and only checks that the binaries are there."
  (:require [clojure.java.io :as io]
            [clojure.string :as str])
  (:import [java.lang ProcessHandle]))

(def binaries ["sentence-spout" "split-bolt" "count-bolt"])

(defn missing
  "The binaries not (yet) in `dir`."
  [dir]
  (remove #(.isFile (io/file dir %)) binaries))

(defn- on-path? [program]
  (some #(.canExecute (io/file % program))
        (str/split (or (System/getenv "PATH") "") #":")))

(defn- cargo-xtask-dist [root]
  (let [cargo (or (System/getenv "CARGO") "cargo")]
    (println "wordcount.dist: cargo xtask dist (in" (str (.getCanonicalFile (io/file root))) ")")
    (-> (ProcessBuilder. [cargo "xtask" "dist"])
        (.directory (io/file root))
        (.inheritIO)
        (.start)
        (.waitFor))))

(defn prepare
  "Makes sure the binaries are in `root`/multilang/resources. Returns nil when they are, else
  an error message."
  [root skip?]
  (let [dir (io/file root "multilang" "resources")
        cargo? (or (System/getenv "CARGO") (on-path? "cargo"))]
    (cond
      (and (not skip?) cargo? (.isFile (io/file root "Cargo.toml")))
      (let [code (cargo-xtask-dist root)]
        (cond
          (not (zero? code)) (str "`cargo xtask dist` failed (exit " code ")")
          (seq (missing dir)) (str "`cargo xtask dist` left no " (str/join ", " (missing dir))
                                   " in " dir)))

      (seq (missing dir))
      (str "missing in " (.getPath dir) ": " (str/join ", " (missing dir)) "\n"
           "  build them at the repository root with `cargo xtask dist`"
           (when-not cargo? " (cargo is not on the PATH)"))

      :else
      (do (when-not skip? (println "wordcount.dist: cargo not found; using the binaries in" (.getPath dir)))
          nil))))

(defn- leiningen-run-id
  "Identifies the Leiningen process that started this one (pid and start time). `lein test` preps
  the project twice, so this step runs twice; the second run sees the same id and has nothing
  to do."
  []
  (some-> (ProcessHandle/current) .parent (.orElse nil)
          (as-> p (str (.pid ^ProcessHandle p) " " (.orElse (.startInstant (.info ^ProcessHandle p)) nil)))))

(defn -main [& _]
  (let [stamp (io/file "target" ".dist-done")
        run-id (leiningen-run-id)]
    (when-not (and run-id (.isFile stamp) (= run-id (slurp stamp)))
      (when-let [error (prepare ".." (= "1" (System/getenv "WORDCOUNT_SKIP_DIST")))]
        (binding [*out* *err*] (println "wordcount.dist:" error))
        (System/exit 1))
      (when run-id
        (io/make-parents stamp)
        (spit stamp run-id)))))
